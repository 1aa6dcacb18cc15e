"""Authentication backends that load the signed-in user with what every page asks of them.

Each signed-in page asks whether the user is a moderator and has a verified
e-mail (accounts.roles), and its header links to an expert's own page and
shows the unread notifications. Loading those with the user makes one query
of five on every request.
"""

from functools import cache

from allauth.account import auth_backends
from django.contrib.auth import backends, get_user_model

from .notifications import with_unread_count
from .roles import with_roles


@cache
def _signed_in_users():
    # Built once: making the role annotations costs more than the query they make.
    User = get_user_model()
    # The expert profile is experts' reverse relation; the header shows its link.
    users = with_unread_count(with_roles(User._default_manager.all()))
    return users.select_related("expert_profile")


def signed_in_user(user_id):
    users = _signed_in_users()
    try:
        return users.get(pk=user_id)
    except users.model.DoesNotExist:
        return None


class SignedInUser:
    """Mixed into both backends below, so whichever signed the user in loads them the same way."""

    def get_user(self, user_id):
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(SignedInUser, backends.ModelBackend):
    pass


class AuthenticationBackend(SignedInUser, auth_backends.AuthenticationBackend):
    pass
