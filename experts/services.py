"""Writes that belong to the experts app."""

from django.db import transaction

from .models import Rating


@transaction.atomic
def rate_answer(*, answer, rater, knowledgeability, clarity, politeness, thank_you_note=""):
    """Create or change the asker's rating of an answer. Returns (rating, created)."""
    return Rating.objects.update_or_create(
        answer=answer,
        defaults={
            "expert_id": answer.author_id,
            "rater": rater,
            "knowledgeability": knowledgeability,
            "clarity": clarity,
            "politeness": politeness,
            "thank_you_note": thank_you_note,
        },
    )
