"""Many rows at once for the scaling tests: questions, answers and follow-ups written
in bulk (forum.management.loader) and put in the search index, on either database."""

from datetime import timedelta

from django.utils import timezone

from forum import search
from forum.management.loader import Loader
from forum.models import Answer, Question, SearchEntry
from forum.search import documents


def threads(count, category, *, asker, expert=None, title="Knee question", **question_fields):
    """`count` public questions in `category`, newest first; answered by `expert` if given.

    Returns the questions' ids.
    """
    now = timezone.now()
    tables = {model: Loader(model) for model in (Question, Answer, SearchEntry)}
    ids = []
    with search.backend().bulk_load():
        for n in range(count):
            waiting = "addressed" if question_fields.get("expert_id") else "open"
            fields = {
                "status": "answered" if expert else waiting,
                "addressed_at": now - timedelta(minutes=n + 1),
                "answer_count": 1 if expert else 0,
                "answered_at": now if expert else None,
                **question_fields,
            }
            question = tables[Question].row(
                category_id=category.pk,
                asker_id=asker.pk,
                title=f"{title} {n}",
                slug=f"knee-question-{n}",
                body="It hurts after running.",
                body_html="<p>It hurts after running.</p>",
                created_at=now - timedelta(minutes=n + 1),
                last_activity_at=now,
                **fields,
            )
            answers = []
            if expert:
                answer = tables[Answer].row(
                    question_id=question.pk,
                    author_id=expert.pk,
                    body="Rest it for a week.",
                    body_html="<p>Rest it for a week.</p>",
                    created_at=now - timedelta(minutes=n),
                )
                answers.append(answer)
            for values in documents.entry_values(question, answers, []):
                tables[SearchEntry].add(**values)
            ids.append(question.pk)
        for loader in tables.values():
            loader.flush()
    return ids
