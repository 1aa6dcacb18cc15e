"""Authentication backends that load the signed-in user with what every page asks of them.

Each signed-in page asks whether the user is a moderator and has a verified
e-mail (accounts.roles), and the header links to an expert's own page. Loading
those with the user makes one query of four on every request.
"""

from allauth.account import auth_backends
from django.contrib.auth import backends, get_user_model

from .roles import with_roles


def signed_in_user(user_id):
    User = get_user_model()
    return (
        with_roles(User._default_manager.filter(pk=user_id))
        # The expert profile is experts' reverse relation; the header shows its link.
        .select_related("expert_profile")
        .first()
    )


class SignedInUser:
    """Mixed into both backends below, so whichever signed the user in loads them the same way."""

    def get_user(self, user_id):
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(SignedInUser, backends.ModelBackend):
    pass


class AuthenticationBackend(SignedInUser, auth_backends.AuthenticationBackend):
    pass
