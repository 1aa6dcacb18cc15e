from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from accounts.actions import set_moderator
from accounts.roles import MODERATORS_GROUP, has_two_factor, is_suspended


def steps_left(user):
    """What `user` must still do before /moderation/ opens, in the order they do it."""
    site = settings.SITE_URL
    steps = []
    if not user.is_active:
        steps.append("The account is deactivated: a staff member reactivates it in /admin/.")
    if is_suspended(user):
        steps.append(
            "The account is suspended: a moderator lifts the suspension on the account's "
            "moderation page."
        )
    if not user.has_usable_password():
        steps.append(
            f"Set a password: manage.py changepassword {user.email}  (or use "
            f'"Forgot password?" at {site}/accounts/password/reset/)'
        )
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        steps.append(
            f"Verify the e-mail address: sign in at {site}/accounts/login/ and follow the "
            "link in the e-mail that is sent (in development it is printed on the console "
            "running `make run`)."
        )
    if not has_two_factor(user):
        steps.append(
            f"Set up two-factor authentication: sign in, open {site}/accounts/2fa/ and add "
            "an authenticator app (you are asked for your password again first)."
        )
    return steps


class Command(BaseCommand):
    help = (
        "Grant or revoke moderator rights: manage.py moderator grant|revoke|list [user]. "
        "`grant` makes an existing member a moderator (add --create to create the account "
        "first) and prints what is left to do before the moderation pages open."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["grant", "revoke", "list"])
        parser.add_argument("user", nargs="?", help="The user's e-mail address or handle.")
        parser.add_argument(
            "--create",
            action="store_true",
            help="With grant: create the account when no member has this e-mail address.",
        )
        parser.add_argument("--name", default="", help="With --create: the display name.")

    def handle(self, *args, action, user, create, name, **options):
        group = Group.objects.get(name=MODERATORS_GROUP)
        if action == "list":
            for member in group.user_set.order_by("handle"):
                self.stdout.write(f"{member.handle}\t{member.email}")
            return
        if not user:
            raise CommandError("Name the user by e-mail address or handle.")
        User = get_user_model()
        try:
            target = User.objects.get(Q(email__iexact=user) | Q(handle__iexact=user))
        except User.DoesNotExist:
            if not (create and action == "grant"):
                hint = (
                    " Add --create to create the account."
                    if action == "grant" and "@" in user
                    else ""
                )
                raise CommandError(
                    f"No user with the e-mail address or handle {user!r}.{hint}"
                ) from None
            target = self.create_member(user, name)
        set_moderator(user=target, granted=action == "grant")
        if action == "revoke":
            self.stdout.write(self.style.SUCCESS(f"{target.handle} is no longer a moderator."))
            return
        self.stdout.write(self.style.SUCCESS(f"{target.handle} is now a moderator."))
        steps = steps_left(User.objects.get(pk=target.pk))
        if not steps:
            self.stdout.write(
                f"Nothing left to do: the moderation pages are open at {settings.SITE_URL}"
                "/moderation/."
            )
            return
        self.stdout.write(f"Before {settings.SITE_URL}/moderation/ opens for {target.email}:")
        for number, step in enumerate(steps, 1):
            self.stdout.write(f"  {number}. {step}")

    def create_member(self, email, name):
        if "@" not in email:
            raise CommandError("To create an account, name it by its e-mail address.")
        User = get_user_model()
        with transaction.atomic():
            # No password yet: the new moderator sets one (steps_left says how), as
            # createsuperuser would ask, without a prompt that scripts cannot answer.
            member = User.objects.create_user(
                email, password=None, display_name=name.strip() or email.split("@")[0]
            )
            EmailAddress.objects.create(
                user=member, email=member.email, primary=True, verified=False
            )
        self.stdout.write(f"Created the member {member.handle} <{member.email}>.")
        return member
