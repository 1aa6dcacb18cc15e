"""Authentication backends that load the signed-in user with what every page asks of them.

Each signed-in page asks whether the user is a moderator and has a verified
e-mail (accounts.roles), and the header links to an expert's own page. Loading
those with the user makes one query of three on every request.
"""

from allauth.account import auth_backends
from allauth.account.models import EmailAddress
from django.contrib.auth import backends, get_user_model
from django.db.models import Exists, OuterRef

from .roles import MODERATORS_GROUP


def signed_in_user(user_id):
    User = get_user_model()
    return (
        User._default_manager.filter(pk=user_id)
        .annotate(
            # The names accounts.roles memoises its answers under.
            _is_moderator=Exists(
                User.groups.through.objects.filter(
                    user=OuterRef("pk"), group__name=MODERATORS_GROUP
                )
            ),
            _has_verified_email=Exists(
                EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
            ),
        )
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
