"""What the forum's actions tell people: one notification per party, linked to its thread.

Each notification names the post it is about and its thread, so the
post-write hook redacts it while its reader may not see that post.
"""

from accounts.models import Notification
from accounts.notifications import NotificationKind, notify
from experts.models import ExpertProfile

from .. import lifecycle, text


def excerpt(post, length=300):
    """The post's start as plain text, one block a line: templates escape it, once."""
    return text.excerpt(post.body_html, length)


def tell(recipient, kind, question, *, title, about, body=""):
    """A notification about a post of this thread."""
    notify(
        recipient,
        kind,
        title=title,
        body=body,
        url=about.get_absolute_url(),
        about=about,
        thread_id=question.pk,
    )


def addressed(question):
    """The expert asked, by name."""
    tell(
        question.expert,
        NotificationKind.QUESTION_ADDRESSED,
        question,
        title=f"{question.asker.display_name} asked you: {question.title}",
        body=excerpt(question),
        about=question,
    )


def open_question(question):
    """Experts who asked to hear about open questions in this category (or a parent)."""
    category = question.category
    paths = [category.path, *category.ancestor_paths()]
    experts = (
        ExpertProfile.objects.approved()
        .taking_questions()
        .filter(alert_categories__path__in=paths)
        .exclude(user=question.asker)
        .select_related("user")
        .distinct()
    )
    for profile in experts:
        tell(
            profile.user,
            NotificationKind.OPEN_QUESTION,
            question,
            title=f"Open question in {category.name}: {question.title}",
            body=excerpt(question),
            about=question,
        )


def away(user):
    """An expert went away: open questions in their categories no longer reach them.

    While away they get no open-question notification at all (open_question() asks
    only experts taking questions); those not e-mailed yet stay on the site, unsent.
    """
    Notification.objects.filter(
        recipient=user, kind=NotificationKind.OPEN_QUESTION, email_wanted=True, emailed_at=None
    ).update(email_wanted=False)


def asked(question):
    """Whoever the question now waits for: its expert, or the category's experts."""
    if question.expert_id:
        addressed(question)
    else:
        open_question(question)


def returned(question, *, expert=None):
    """The asker, when the question comes back to them; and the expert it left."""
    tell(
        question.asker,
        NotificationKind.RETURNED,
        question,
        title=f"Your question “{question.title}” needs another expert",
        body=f"{lifecycle.why_returned(question)}. Open it to send it, unchanged, to another "
        "expert, to every expert of the category, or to another category.",
        about=question,
    )
    if expert is not None:
        tell(
            expert,
            NotificationKind.QUESTION_ADDRESSED,
            question,
            title=f"“{question.title}” went back to {question.asker.display_name}",
            body=lifecycle.describe(question, expert).sentence,
            about=question,
        )


def thread_update(question, people, *, title, body=""):
    """Everyone in `people` (users; None and repeats skipped) about a change to the thread."""
    seen = set()
    for person in people:
        if person is not None and person.pk not in seen:
            seen.add(person.pk)
            tell(
                person,
                NotificationKind.THREAD_UPDATE,
                question,
                title=title,
                body=body,
                about=question,
            )
