"""The one way user text becomes HTML: markdown-it-py with raw HTML off, then nh3.

Used for every stored post and for the editor preview. When this policy
changes, run `manage.py rerender_markdown` to refresh the stored HTML.

markdown-it-py is slow on some input and silently drops text on other input;
`validate_markdown()` refuses both, on every form field that takes markdown
(`manage.py bench_markdown` times the worst input each limit lets through):

- each "[" searches the rest of its paragraph for its "]"; unclosed ones make
  that superlinear ("[" * 10,000 takes from a third of a second to seconds).
  The search steps are counted as they run, up to `MAX_LINK_SEARCH_STEPS`;
- a table row with fewer cells than the header is padded to the header's
  width, so a wide header over many short rows multiplies the work: tables
  may have `MAX_TABLE_CELLS` cells in all;
- markdown-it goes over each line once per block quote around it, lazy
  continuation lines included: `MAX_QUOTED_LINES` lines times levels;
- list items are its costliest block: `MAX_LIST_ITEMS`;
- past its `maxNesting` (100 levels; a list takes two) markdown-it drops the
  rest of the post without a word: lists and quotes nest `MAX_NESTING` deep;
- bare links (linkify): each "://" looks back only as far as the longest
  scheme, and linkify-it looks ahead at most `MAX_BARE_URL` characters.

`render_markdown()` applies the same checks to text that did not go through
a form (posts stored before them): what they refuse is shown as escaped plain
paragraphs, every character kept, never slow.
"""

import gc
import re
from contextlib import contextmanager
from html import escape

import nh3
from django.core.exceptions import ValidationError
from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from markdown_it.rules_block.table import table as _table_rule

# Posts are short; this cap is also enforced by the forms and models.
MAX_BODY_LENGTH = 10_000
# Lists and block quotes inside each other. Each level is one or two of
# markdown-it's 100 (maxNesting), past which it drops the rest of the text.
MAX_NESTING = 10
# Cells of all tables, rows times header columns (short rows are padded).
MAX_TABLE_CELLS = 1_000
# Steps of the searches for the "]" closing a "[" (markdown-it's skipToken
# calls): a post with dozens of links takes a few hundred.
MAX_LINK_SEARCH_STEPS = 5_000
# Lines times the block quotes around them (">>> a" and the lines after it,
# up to a blank line, count three each): each level goes over every line.
MAX_QUOTED_LINES = 5_000
# List items (lines starting with "-", "*", "+", "1." or "1)"), the most
# work per character for markdown-it.
MAX_LIST_ITEMS = 1_000
# Characters of a bare link (https://…) taken as its address: more than any
# real one has; linkify-it reads ahead this far at most for each link.
MAX_BARE_URL = 2_000

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

BRACKETS_MESSAGE = (
    "Too many “[” brackets here have no matching “]”, which makes the text too slow to "
    "format. Close each “[” with a “]”, or type \\[ for a bracket meant as plain text."
)

_md = MarkdownIt("js-default", {"breaks": True, "html": False, "linkify": True})


class _Linkify(LinkifyIt):
    """Bare addresses that a reader means as links: http(s)://… and www.… only.

    linkify-it's other guesses ("notes.md", "setup.py": real country domains)
    would turn file names into links; e-mail addresses in public posts stay text.
    """

    def match(self, text):
        found = [
            link
            for link in super().match(text) or ()
            if link.schema or link.raw.lower().startswith("www.")
        ]
        return found or None


# Only the schemes nh3 lets through: an ftp:// or //host link would lose its href.
_md.linkify = (
    _Linkify(options={"fuzzy_link": True, "fuzzy_email": False, "fuzzy_ip": False})
    .add("ftp:", None)
    .add("//", None)
)

# The longest scheme a bare link may start with ("https"), and one more character.
_SCHEME_LOOKBACK = 6
_SCHEME_BEFORE = re.compile(r"(?:^|[^a-z0-9.+-])([a-z][a-z0-9.+-]*)$", re.IGNORECASE)


def _linkify_inline(state, silent):
    """markdown-it's inline linkify rule, reading only the end of the text before "://".

    Its own rule searches all the text since the last markup for the scheme at
    each "://", which makes "a://" repeated quadratic (a third of a second).
    """
    if state.linkLevel > 0 or not state.src.startswith("://", state.pos):
        return False
    before = state.pending[-_SCHEME_LOOKBACK:]
    scheme = _SCHEME_BEFORE.search(before)
    # A scheme running back to the start of what was looked at is too long to be known.
    if not scheme or (len(scheme.group(1)) == len(before) < len(state.pending)):
        return False
    proto = scheme.group(1)
    start = state.pos - len(proto)
    # linkify-it looks ahead for the closing bracket of each "(" or "{" in the path:
    # to the end of the text, for each link, unless the text it is given ends sooner.
    if not (link := state.md.linkify.match_at_start(state.src[start : start + MAX_BARE_URL])):
        return False
    url = link.url.rstrip("*")  # A "*" at the end is emphasis, as markdown-it reads it.
    full_url = state.md.normalizeLink(url)
    if not state.md.validateLink(full_url):
        return False
    if not silent:
        state.pending = state.pending[: -len(proto)]
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": full_url}
        token.markup, token.info = "linkify", "auto"
        token = state.push("text", "", 0)
        token.content = state.md.normalizeLinkText(url)
        token = state.push("link_close", "a", -1)
        token.markup, token.info = "linkify", "auto"
    state.pos += len(url) - len(proto)
    return True


_md.inline.ruler.at("linkify", _linkify_inline)


def _image_as_link(self, tokens, idx, options, env):
    """An image is a link to it, "image: <alt text>", never loaded.

    Loaded images would come from other sites (tracking, mixed content, and the
    CSP blocks them anyway). Inside a link (a linked badge) it is the text alone.
    """
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env).strip()
    text = escape(f"image: {alt}" if alt else "image", quote=False)
    if token.meta.get("in_link"):
        return text
    return f'<a href="{escape(token.attrs["src"])}">{text}</a>'


def _mark_images_in_links(state):
    """Mark the images inside a link, in one pass: links do not nest."""
    for block in state.tokens:
        in_link = False
        for token in block.children or ():
            if token.type in ("link_open", "link_close"):
                in_link = token.type == "link_open"
            elif token.type == "image" and in_link:
                token.meta["in_link"] = True


_md.add_render_rule("image", _image_as_link)
_md.core.ruler.push("images_in_links", _mark_images_in_links)

# Work counters, kept in the env dict of one parse.
_STEPS = "askexperts_link_search_steps"
_CELLS = "askexperts_table_cells"


class _Refused(Exception):
    """Parsing stopped: the text is over one of the limits (the message says which)."""


def _tables_message(cells):
    return (
        f"Your tables have {cells:,} cells or more in all; the limit is {MAX_TABLE_CELLS:,}. "
        "Split them, or remove rows or columns (a short row still counts every column "
        "of its table)."
    )


def _count(number, noun):
    return f"1 {noun}" if number == 1 else f"{number:,} {noun}s"


def _list_items_message(items):
    return (
        f"This text has {items:,} list items (lines starting with “-”, “*”, “+” or a number "
        f"and a dot); the limit is {MAX_LIST_ITEMS:,}. Shorten the lists, or put a list meant "
        "as plain text in a code block."
    )


def _quotes_message(depth, lines):
    levels, lines = _count(depth, "level"), _count(lines, "line")
    return (
        f"Quotes nested up to {levels} deep run over {lines} here, too many to format "
        "quickly. Use fewer “>” levels, or end each quote with a blank line so that the "
        "lines after it are not part of it."
    )


def _nesting_message(depth):
    return (
        f"Lists and quotes are nested {_count(depth, 'level')} deep here; the limit is "
        f"{MAX_NESTING}. Indent less, or use fewer “>”: deeper levels cannot be shown."
    )


_skip_token = _md.inline.skipToken


def _counted_skip_token(state):
    # Only the search for a link's "]" calls this, once per step.
    steps = state.env[_STEPS] = state.env.get(_STEPS, 0) + 1
    if steps > MAX_LINK_SEARCH_STEPS:
        raise _Refused(BRACKETS_MESSAGE)
    _skip_token(state)


# This instance only: the library's own parser stays as it is.
_md.inline.skipToken = _counted_skip_token


def _counted_table(state, start_line, end_line, silent):
    """markdown-it's table rule, once the cells it would make are counted."""
    if not _table_rule(state, start_line, end_line, True):
        return False
    if silent:
        return True
    delimiter = state.src[state.bMarks[start_line + 1] : state.eMarks[start_line + 1]]
    columns = sum(1 for cell in delimiter.split("|") if cell.strip())
    # The rows the rule will take: its own stopping conditions.
    terminators = state.md.block.ruler.getRules("blockquote")
    line = start_line + 2
    while (
        line < end_line
        and state.sCount[line] >= state.blkIndent
        and not state.isEmpty(line)
        and not state.is_code_block(line)
        and not any(rule(state, line, end_line, True) for rule in terminators)
    ):
        line += 1
    cells = state.env[_CELLS] = state.env.get(_CELLS, 0) + columns * (line - start_line - 1)
    if cells > MAX_TABLE_CELLS:
        raise _Refused(_tables_message(cells))
    return _table_rule(state, start_line, end_line, False)


_md.block.ruler.at("table", _counted_table, {"alt": ["paragraph", "reference"]})

_CONTAINERS = {"blockquote", "bullet_list", "ordered_list"}
# What opens block quotes and list items at the start of a line: ">", "-", "*",
# "+", "1." or "1)". Read on the raw text, code blocks included: an upper bound.
_LINE_PREFIX = re.compile(r"(?:[ \t]*(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))*")
_MARKER = re.compile(r">|[-*+]|\d{1,9}[.)]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _check_lines(text):
    """Refuse too many list items, or quotes nested deep over many lines, before parsing.

    A quote ends at a blank line at the latest, so the lines between two blank
    lines count as deep as the deepest of them.
    """
    items = quoted = deepest = quoted_lines = 0
    for stretch in _BLANK_LINE.split(text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = stretch.removesuffix("\n").split("\n")
        depth = 0
        for line in lines:
            prefix = _LINE_PREFIX.match(line).group()
            if prefix:
                quotes = prefix.count(">")
                depth = max(depth, quotes)
                items += len(_MARKER.findall(prefix)) - quotes
        if depth:
            quoted += depth * len(lines)
            deepest = max(deepest, depth)
            quoted_lines += len(lines)
    if items > MAX_LIST_ITEMS:
        raise _Refused(_list_items_message(items))
    if quoted > MAX_QUOTED_LINES:
        raise _Refused(_quotes_message(deepest, quoted_lines))


def _nesting(tokens):
    depth = deepest = 0
    for token in tokens:
        if token.type.removesuffix("_open") in _CONTAINERS and token.nesting == 1:
            depth += 1
            deepest = max(deepest, depth)
        elif token.type.removesuffix("_close") in _CONTAINERS and token.nesting == -1:
            depth -= 1
    return deepest


@contextmanager
def _collector_paused():
    """No garbage collection while markdown-it works.

    A parse makes up to some 100,000 short-lived objects, freed as soon as it
    ends (they hold no reference cycles). A collection in the middle walks them
    and every object of the process, and nearly doubles the time (measured by
    `manage.py bench_markdown`: 111 ms against 59 ms for the worst input). With
    threads, another render may turn the collector back on early: that only
    costs time.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _parse(text):
    """markdown-it's tokens for the text, or _Refused if it is over a limit."""
    _check_lines(text)
    env = {}
    tokens = _md.parse(text, env)
    depth = _nesting(tokens)
    if depth > MAX_NESTING:
        raise _Refused(_nesting_message(depth))
    return tokens, env


def validate_markdown(text: str) -> None:
    """Refuse markdown that would be slow to format or would lose text.

    Text over MAX_BODY_LENGTH is left to the field's length check (it is
    not parsed at all). The check parses the text, within the same limits
    as render_markdown().
    """
    if not text or len(text) > MAX_BODY_LENGTH:
        return
    try:
        with _collector_paused():
            _parse(text)
    except _Refused as refused:
        raise ValidationError(str(refused), code="markdown") from None


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


def _clean(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_only_numeric,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def _plain_paragraphs(text):
    """The text as typed: escaped, a paragraph per blank line, a <br> per line break."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = (p.strip("\n") for p in re.split(r"\n[ \t]*\n", text))
    return "".join(
        "<p>" + escape(p, quote=False).replace("\n", "<br>\n") + "</p>\n"
        for p in paragraphs
        if p.strip()
    )


def render_markdown(text: str, *, strict: bool = False) -> str:
    """Return safe HTML for a post's markdown source.

    Text that validate_markdown() refuses, or longer than MAX_BODY_LENGTH, is
    shown as plain paragraphs, every character kept; with strict=True it
    raises the ValidationError instead (one parse for the editor preview).
    """
    if not text:
        return ""
    try:
        if len(text) > MAX_BODY_LENGTH:
            raise _Refused(f"The text is longer than {MAX_BODY_LENGTH:,} characters.")
        with _collector_paused():
            tokens, env = _parse(text)
            html = _md.renderer.render(_shift_headings(tokens), _md.options, env)
            del tokens  # Freed before the collector is back on.
    except _Refused as refused:
        if strict:
            raise ValidationError(str(refused), code="markdown") from None
        return _clean(_plain_paragraphs(text))
    return _clean(html)


# --- Rendered posts as plain text: excerpts in notifications, e-mails, meta tags -----

# Elements that start a line of their own in plain text.
