"""Filters for showing scorecard figures in words."""

from django import template

register = template.Library()


@register.filter
def response_time(delta):
    """A median response time as people say it: "about 6 hours"."""
    if delta is None:
        return "not measured yet"
    minutes = delta.total_seconds() / 60
    if minutes < 60:
        return "under an hour"
    hours = round(minutes / 60)
    if hours < 48:
        return f"about {hours} hour{'s' if hours != 1 else ''}"
    days = round(hours / 24)
    return f"about {days} days"


@register.filter
def percent(share):
    if share is None:
        return "—"
    return f"{round(share * 100)}%"


CHART_WIDTH = 320
CHART_HEIGHT = 100


@register.simple_tag
def chart_bars(series):
    """Rectangles for a small bar chart of [(label, value)], in a 320 x 100 viewBox."""
    if not series:
        return []
    highest = max(value for _, value in series) or 1
    slot = CHART_WIDTH / len(series)
    bars = []
    for index, (label, value) in enumerate(series):
        height = round(CHART_HEIGHT * value / highest, 1)
        bars.append(
            {
                "label": label,
                "value": value,
                "x": round(index * slot + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": round(CHART_HEIGHT - height, 1),
                "height": height,
                "center": round(index * slot + slot / 2, 1),
            }
        )
    return bars
