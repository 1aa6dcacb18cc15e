"""Actions of the system rather than of a person: putting derived data right after
rows were written another way, and rendering posts again after the markdown policy changed."""

from accounts.actions import action

from ..markdown import render_markdown
from ..models import Answer, FollowUp, Question
from .hooks import lock_question, thread_changed


@action
def refresh_thread(*, question) -> Question:
    """Run the post-write hook on a thread that was written another way (a fixture,
    a bulk load, an upgrade that added derived data): manage.py refresh_threads."""
    question = lock_question(question.pk)
    thread_changed(question)
    return question


@action
def rerender_thread(*, question) -> bool:
    """Render a thread's posts again after the markdown policy changed; returns whether
    any stored HTML changed (manage.py rerender_markdown)."""
    question = lock_question(question.pk)
    posts = [
        question,
        *Answer.objects.filter(question=question).only("pk", "body", "body_html"),
        *FollowUp.objects.filter(answer__question=question).only("pk", "body", "body_html"),
    ]
    changed = False
    for post in posts:
        html = render_markdown(post.body)
        if html != post.body_html:
            type(post).objects.filter(pk=post.pk).update(body_html=html)
            changed = True
    if changed:
        thread_changed(question)
    return changed
