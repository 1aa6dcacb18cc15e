"""Plain text from rendered posts: for excerpts in lists, notifications, e-mails and meta tags."""

import re
from html.parser import HTMLParser

_BLOCK_TAGS = {
    "p", "blockquote", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "hr", "div",
}  # fmt: skip


class _TextParser(HTMLParser):
    """The text of rendered HTML, entities decoded, one line per block.

    A list item starts with "- " or its number, table cells are kept apart by
    spaces, a <br> is a line break.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = [""]
        self.lists = []  # A number for each <ol> around, None for each <ul>.
        self.in_pre = 0
        self.marker = ""  # A list item's "- " or "1. ", put before its first words.

    def _new_line(self):
        if self.lines[-1].strip():
            self.lines.append("")

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.lines.append("")
        elif tag in ("td", "th"):
            self.lines[-1] += " "
        elif tag in _BLOCK_TAGS:
            self._new_line()
        if tag == "pre":
            self.in_pre += 1
        elif tag == "ol":
            start = dict(attrs).get("start") or "1"
            self.lists.append(int(start) if start.isdigit() else 1)
        elif tag == "ul":
            self.lists.append(None)
        elif tag == "li" and self.lists:
            number = self.lists[-1]
            if number is None:
                self.marker = "- "
            else:
                self.marker = f"{number}. "
                self.lists[-1] = number + 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "pre":
            self.in_pre = max(self.in_pre - 1, 0)
        elif tag in ("ol", "ul") and self.lists:
            self.lists.pop()
        if tag in _BLOCK_TAGS:
            self._new_line()

    def handle_data(self, data):
        if self.marker and data.strip():
            self.lines[-1] += self.marker
            self.marker = ""
        if self.in_pre:
            first, *rest = data.split("\n")
            self.lines[-1] += first
            self.lines.extend(rest)
        else:
            self.lines[-1] += data

    def text(self):
        lines = (" ".join(line.split()) for line in self.lines)
        return "\n".join(line for line in lines if line)


def html_to_text(html: str) -> str:
    """The words of rendered HTML as plain text: one block a line, nothing escaped.

    Plain text for the places that escape it themselves (templates, e-mails):
    "<" stays "<", "&amp;" becomes "&", and a list's items stay apart ("1. a",
    "2. b"), as they were on the page.
    """
    parser = _TextParser()
    parser.feed(html or "")
    parser.close()
    return parser.text()


_DANGLING_NUMBER = re.compile(r"(?<=\s)\d{1,9}[.)]$")


def excerpt(html: str, length: int = 300, *, one_line: bool = False) -> str:
    """The start of html_to_text(html), at most `length` characters, cut between words.

    one_line: blocks are kept apart by spaces instead of line breaks (meta tags).
    """
    text = html_to_text(html)
    if one_line:
        text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if not text[length - 1].isspace() and not cut[-1].isspace():  # in the middle of a word
        cut = cut.rsplit(maxsplit=1)[0] if len(cut.split()) > 1 else cut
    # A list number with nothing after it says nothing; "time.…" reads as a typo
    # (the ellipsis takes the place of the sentence's own stop).
    cut = _DANGLING_NUMBER.sub("", cut.rstrip())
    return cut.rstrip().rstrip(",.;:") + "…"
