"""The named role checks of accounts.roles, as template filters: {% if user|is_moderator %}."""

from django import template

from accounts import roles

register = template.Library()

register.filter("is_moderator", roles.is_moderator)
register.filter("can_post", roles.can_post)
register.filter("has_verified_email", roles.has_verified_email)
register.filter("is_suspended", roles.is_suspended)
