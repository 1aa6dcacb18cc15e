from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.actions import expire_suspension
from experts.actions import come_back, start_vacation
from experts.models import ExpertProfile
from forum import lifecycle
from forum.actions import expire_question, return_to_asker
from forum.models import Question, QuestionStatus


class Command(BaseCommand):
    help = (
        "The lifecycle's steps that time takes (run it from cron, e.g. every 15 minutes): "
        "vacations planned ahead start on their first day (once); vacations whose return date "
        "passed end; suspensions whose end date passed end, and "
        "the member is told; questions whose expert has stopped taking questions, or has not "
        "answered within QUESTION_EXPIRY_DAYS, go back to their askers."
    )

    def handle(self, *args, **options):
        # Once each: starting unticks "Accepting questions", so a second run finds nothing.
        started = sum(
            start_vacation(profile=profile)
            for profile in ExpertProfile.objects.vacation_starting().order_by("pk")
        )
        back = sum(
            come_back(profile=profile)
            for profile in ExpertProfile.objects.away_over().order_by("pk")
        )
        available = ExpertProfile.objects.approved().taking_questions().values("user_id")
        stranded = Question.objects.filter(
            status=QuestionStatus.ADDRESSED, locked=False, is_hidden=False
        )
        returned = sum(
            return_to_asker(question=question)
            for question in stranded.exclude(expert_id__in=available).order_by("pk")
        )
        expired = sum(expire_question(question=question) for question in lifecycle.overdue())
        # An ended suspension is cleared, so each is told once however often this runs.
        over = get_user_model().objects.filter(
            suspended_at__isnull=False, suspended_until__lte=timezone.now()
        )
        ended = sum(expire_suspension(user=user) for user in over.order_by("pk"))
        self.stdout.write(
            f"{started} vacations started, {back} experts back from vacation, "
            f"{returned} questions of unavailable experts "
            f"and {expired} unanswered in time sent back to their askers, "
            f"{ended} suspensions ended."
        )
