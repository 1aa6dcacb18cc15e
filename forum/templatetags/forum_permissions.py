"""forum.permissions as template filters: {% if user|can_flag:answer %}."""

from django import template

from forum import permissions
from forum.models import FlagReason

register = template.Library()

register.filter("can_flag", permissions.can_flag)
register.filter("can_moderate", permissions.can_moderate)


@register.simple_tag
def flag_reasons():
    return FlagReason.choices
