"""“This needs a professional” in words, for templates (see forum.referrals)."""

from django import template

from .. import referrals

register = template.Library()


@register.filter
def referral_when(urgency):
    """ "today" for an urgent referral, and so on."""
    return referrals.when(urgency)
