"""What the asker may still do with their question: {% asker_powers user question as powers %}."""

from types import SimpleNamespace

from django import template

from forum import permissions

register = template.Library()


@register.simple_tag
def asker_powers(user, question):
    """The asker's steps open now (forum.permissions), for the thread's buttons."""
    return SimpleNamespace(
        edit=permissions.can_edit_question(user, question),
        withdraw=permissions.can_withdraw(user, question),
        ask_again=permissions.can_ask_again(user, question),
    )
