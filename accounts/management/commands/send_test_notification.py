from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.notifications import NotificationKind, notify


class Command(BaseCommand):
    help = (
        "Queue a test notification e-mail for a member (to check that the worker and the "
        "mail server deliver): manage.py send_test_notification you@example.com"
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No member with the e-mail address {email}.")
        with transaction.atomic():
            notification = notify(
                user,
                NotificationKind.ACCOUNT,
                title="Test notification: e-mail delivery works",
                body="This message was queued by manage.py send_test_notification.",
                url="/me/notifications/",
            )
        self.stdout.write(f"Queued notification {notification.pk} for {user.email}.")
