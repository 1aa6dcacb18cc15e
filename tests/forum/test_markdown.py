from html.parser import HTMLParser

import pytest

from forum.management.commands.bench_markdown import PATHOLOGICAL
from forum.markdown import ALLOWED_TAGS, render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "<a href='javascript:alert(1)'>x</a>",
    '<div onmouseover="alert(1)">hover</div>',
    "<iframe src=https://evil.example></iframe>",
    "<style>body{display:none}</style>",
    "<svg><script>alert(1)</script></svg>",
    "**<b onclick=alert(1)>bold</b>**",
    "> <scr<script>ipt>alert(1)</script>",
    "<!-- comment --><p style='color:red'>x</p>",
    "![x](javascript:alert(1))",
    '[x](https://ok.example "title" onclick="alert(1)")',
    "<<script>script>alert(1)<</script>/script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<form action=https://evil.example><input name=a></form>",
]


class TagCollector(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self):
        super().__init__()
        self.tags = []
        self.comments = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_comment(self, data):
        self.comments.append(data)


def parse(html):
    collector = TagCollector()
    collector.feed(html)
    collector.close()
    return collector


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_renders_inert(source):
    parsed = parse(render_markdown(source))

    assert not parsed.comments
    for tag, attrs in parsed.tags:
        assert tag in ALLOWED_TAGS
        allowed = {"a": {"href", "rel"}, "ol": {"start"}}.get(tag, set())
        assert set(attrs) <= allowed, (tag, attrs)
        if "href" in attrs:
            scheme = attrs["href"].split(":", 1)[0].lower() if ":" in attrs["href"] else ""
            assert scheme in {"", "http", "https", "mailto"}, attrs["href"]


def test_links_get_rel_and_keep_only_safe_schemes():
    html = render_markdown("[a](https://example.com) [b](mailto:x@example.com) [c](ftp://x)")

    assert '<a href="https://example.com" rel="nofollow ugc noopener noreferrer">a</a>' in html
    assert 'href="mailto:x@example.com"' in html
    assert "ftp://" not in html.split(">c<")[0].split("<a")[-1]


def test_everyday_markdown_renders_as_expected():
    html = render_markdown(
        "# Title\n\nFirst line\nsecond line\n\n1. one\n2. two\n\n*em* **strong** `code`\n\n"
        "> quoted\n\n```\nblock\n```"
    )

    assert "<h3>Title</h3>" in html
    assert "First line<br>\nsecond line" in html
    assert "<ol>\n<li>one</li>" in html
    assert "<em>em</em> <strong>strong</strong> <code>code</code>" in html
    assert "<blockquote>" in html
    assert "<pre><code>block\n</code></pre>" in html


def test_no_attributes_survive_except_href_and_a_numeric_list_start():
    html = render_markdown("3. three\n4. four\n\n```python\nx\n```\n\n| a |\n|:-:|\n| b |")

    assert '<ol start="3">' in html
    assert "class=" not in html
    assert "style=" not in html


def test_images_stay_as_text_and_never_load():
    html = render_markdown("![tracker](https://evil.example/pixel.gif)")

    assert "<img" not in html


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_input_renders_safely(name):
    """Input that makes markdown parsers slow still renders, and stays text.

    How long it takes is measured by `make bench` (manage.py bench_markdown), not
    here: a wall-clock limit fails on a loaded machine.
    """
    html = render_markdown(PATHOLOGICAL[name])

    assert html.startswith("<")
    assert "<script" not in html
    assert "<img" not in html


def test_empty_text_renders_empty():
    assert render_markdown("") == ""
