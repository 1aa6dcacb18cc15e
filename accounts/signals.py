"""Signals from the bottom layer, for apps that depend on accounts to act on.

`stopped_taking_questions` (sender: the action's module name, `user`): a
member can no longer be asked questions for now (suspended as a member or as
an expert, or away on vacation). The forum sends the questions waiting for
them back to their askers once the change commits.
"""

from django.dispatch import Signal

stopped_taking_questions = Signal()
