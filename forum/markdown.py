"""The one way user text becomes HTML: markdown-it-py with raw HTML off, then nh3.

Used for every stored post and for the editor preview. When this policy
changes, run `manage.py rerender_markdown` to refresh the stored HTML.
"""

import nh3
from markdown_it import MarkdownIt

# Posts are short; this cap is also enforced by the forms and models.
MAX_BODY_LENGTH = 10_000

ALLOWED_TAGS = {
    "p", "br", "hr", "blockquote", "pre", "code", "em", "strong", "del", "s",
    "ul", "ol", "li", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "a",
}  # fmt: skip
# An explicit "*": empty set, or nh3 keeps title/lang on every tag.
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}, "*": set()}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener noreferrer"

# Posts sit under the page's own h1/h2, so markdown headings start at h3.
HEADING_SHIFT = 2

_md = MarkdownIt("js-default", {"breaks": True, "html": False})
# Images would load from other sites (tracking, mixed content, and the CSP
# blocks them anyway); the markdown stays as typed.
_md.disable("image")


def _shift_headings(tokens):
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + HEADING_SHIFT, 6)
            token.tag = f"h{level}"
    return tokens


def _only_numeric(tag, attribute, value):
    if tag == "ol" and attribute == "start":
        return value if value.isdigit() and len(value) <= 6 else None
    return value


def render_markdown(text: str) -> str:
    """Return safe HTML for a post's markdown source."""
    if not text:
        return ""
    env = {}
    tokens = _shift_headings(_md.parse(text, env))
    html = _md.renderer.render(tokens, _md.options, env)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_only_numeric,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
