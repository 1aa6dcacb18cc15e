"""What the search index holds for one thread: one entry per post, visibility copied in."""

import html

from django.utils.html import strip_tags

from ..models import Answer, FollowUp, Question, QuestionStatus, SearchEntry, Visibility


def plain_text(body_html: str) -> str:
    """The words of a rendered post, without markup, in one line."""
    return " ".join(html.unescape(strip_tags(body_html)).split())


def entries_for(question: Question) -> list[SearchEntry]:
    """Unsaved index entries for a question, its answers and their follow-ups."""
    answers = list(Answer.objects.filter(question=question).only(
        "pk", "author_id", "body_html", "is_hidden", "is_featured", "created_at"
    ))  # fmt: skip
    follow_ups = list(
        FollowUp.objects.filter(answer__question=question).only(
            "pk", "author_id", "answer_id", "body_html", "is_hidden", "created_at"
        )
    )
    values = entry_values(question, answers, follow_ups)
    return [SearchEntry(**entry) for entry in values]


def entry_values(question, answers, follow_ups, text=plain_text):
    """The field values of a thread's entries, from posts already loaded.

    Posts may be any objects with the models' attribute names: the bulk loader
    passes plain rows.
    """
    public_thread = (
        question.visibility == Visibility.PUBLIC
        and not question.is_hidden
        and getattr(question, "status", None) != QuestionStatus.WITHDRAWN
    )
    thread = {
        "question_id": question.pk,
        "category_id": question.category_id,
        "answered": question.answer_count > 0,
        "featured": any(a.is_featured and not a.is_hidden for a in answers),
    }
    entries = [
        dict(
            kind=SearchEntry.Kind.QUESTION,
            post_id=question.pk,
            author_id=question.asker_id,
            title=question.title,
            text=text(question.body_html),
            is_public=public_thread,
            is_hidden=question.is_hidden,
            created_at=question.created_at,
            **thread,
        )
    ]
    hidden_answers = {a.pk for a in answers if a.is_hidden}
    for answer in answers:
        entries.append(
            dict(
                kind=SearchEntry.Kind.ANSWER,
                post_id=answer.pk,
                author_id=answer.author_id,
                text=text(answer.body_html),
                is_public=public_thread and not answer.is_hidden,
                is_hidden=question.is_hidden or answer.is_hidden,
                created_at=answer.created_at,
                **thread,
            )
        )
    for follow_up in follow_ups:
        hidden = question.is_hidden or follow_up.is_hidden or follow_up.answer_id in hidden_answers
        entries.append(
            dict(
                kind=SearchEntry.Kind.FOLLOW_UP,
                post_id=follow_up.pk,
                author_id=follow_up.author_id,
                text=text(follow_up.body_html),
                is_public=public_thread and not hidden,
                is_hidden=hidden,
                created_at=follow_up.created_at,
                **thread,
            )
        )
    return entries
