from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from accounts.actions import set_moderator
from accounts.roles import MODERATORS_GROUP


class Command(BaseCommand):
    help = "Grant or revoke moderator rights: manage.py moderator grant|revoke|list [user]"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["grant", "revoke", "list"])
        parser.add_argument("user", nargs="?", help="The user's e-mail address or handle.")

    def handle(self, *args, action, user, **options):
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
            raise CommandError(f"No user with the e-mail address or handle {user!r}.") from None
        set_moderator(user=target, granted=action == "grant")
        if action == "grant":
            self.stdout.write(self.style.SUCCESS(f"{target.handle} is now a moderator."))
            if not target.authenticator_set.exists():
                self.stdout.write(
                    "Moderator powers start once they set up two-factor authentication "
                    "(an authenticator app, at /accounts/2fa/)."
                )
        else:
            self.stdout.write(self.style.SUCCESS(f"{target.handle} is no longer a moderator."))
