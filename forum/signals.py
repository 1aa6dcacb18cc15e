"""What the forum does when another app's change concerns its questions."""

from django.db import transaction

from accounts.signals import stopped_taking_questions

from . import lifecycle


def send_back_questions(sender, user, **kwargs):
    """An expert stopped taking questions: open-question e-mails not sent yet are not
    sent; once that commits, their waiting questions go back to their askers, each in
    its own action (forum.actions.return_to_asker)."""
    from .actions import notices, return_to_asker

    notices.away(user)

    def send_back():
        for question in lifecycle.waiting_on([user.pk]):
            return_to_asker(question=question)

    transaction.on_commit(send_back)


def connect():
    stopped_taking_questions.connect(send_back_questions, dispatch_uid="forum-send-back")
