"""forum.permissions as template filters: {% if user|can_moderate %}."""

from django import template

from forum import permissions

register = template.Library()

register.filter("can_moderate", permissions.can_moderate)
register.filter("can_request_review", permissions.can_request_review)
