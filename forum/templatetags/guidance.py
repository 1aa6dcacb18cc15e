"""{% category_guidance category ancestors as guidance %}: the guidance a category page shows."""

from django import template

from ..guidance import effective_guidance

register = template.Library()


@register.simple_tag
def category_guidance(category, ancestors=None):
    """The category's own guidance, else its nearest ancestor's (`ancestors`: already loaded)."""
    return effective_guidance(category, ancestors)
