"""forum.lifecycle for templates: where a question stands, in the lifecycle's own words.

{% load lifecycle %}{% with standing=question|status_badge %}...{% endwith %}
"""

from django import template

from forum import lifecycle

register = template.Library()

register.filter("status_badge", lifecycle.badge)
