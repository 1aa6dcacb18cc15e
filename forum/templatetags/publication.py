"""The publication panel's facts: {% publication_panel user question as publication %}."""

from types import SimpleNamespace

from django import template

from forum import publication as rules

register = template.Library()


@register.simple_tag
def publication_panel(user, question):
    """What the two parties of a private thread may do about publishing it (None for others).

    At most two queries, whatever the thread's length: whether the expert's
    answer is shown, and the request in progress.
    """
    if not question.is_private or not rules.is_party(user, question):
        return None
    pending = rules.active_request(question)
    # A request in progress stays in sight (it can still be withdrawn) even if the thread
    # stopped qualifying meanwhile, say its answer was hidden.
    if pending is None and not rules.qualifies(question):
        return None
    if pending is not None:
        pending.question = question
    return SimpleNamespace(
        request=pending,
        is_asker=user.pk == question.asker_id,
        other=question.expert if user.pk == question.asker_id else question.asker,
        can_request=rules.can_request_publication(user, question),
        can_agree=pending is not None and rules.can_agree(user, pending),
        can_withdraw=pending is not None and rules.can_withdraw(user, pending),
        can_redact=pending is not None and rules.can_redact(user, pending),
        passages=len(rules.parse_passages(pending.redactions)) if pending else 0,
        words=rules.describe(user, pending) if pending is not None else "",
    )
