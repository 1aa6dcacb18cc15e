import re
import sys
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from markdown_it import MarkdownIt

from forum import forms, forms_moderation
from forum.management.commands.bench_markdown import PATHOLOGICAL, SHAPES
from forum.markdown import (
    ALLOWED_TAGS,
    MAX_BARE_URL,
    MAX_BODY_LENGTH,
    MAX_LINK_SEARCH_STEPS,
    MAX_LIST_ITEMS,
    MAX_NESTING,
    MAX_QUOTED_LINES,
    MAX_TABLE_CELLS,
    render_markdown,
    validate_markdown,
)
from forum.text import excerpt, html_to_text

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


def test_an_image_is_a_link_to_it_and_never_loads():
    html = render_markdown(
        "Look: ![my knee](https://x.example/knee.png) and ![](https://x.example/b)"
    )

    assert "<img" not in html
    assert "!" not in visible_text(html)
    assert (
        '<a href="https://x.example/knee.png" rel="nofollow ugc noopener noreferrer">'
        "image: my knee</a>"
    ) in html
    assert '<a href="https://x.example/b" rel="nofollow ugc noopener noreferrer">image</a>' in html


def test_a_linked_image_is_its_alt_text_inside_the_link():
    html = render_markdown("[![build *status*](https://ci.example/b.svg)](https://ci.example/)")

    assert html == (
        '<p><a href="https://ci.example/" rel="nofollow ugc noopener noreferrer">'
        "image: build status</a></p>\n"
    )


def test_an_image_with_an_unsafe_address_stays_text():
    html = render_markdown('![x](javascript:alert(1)) ![<b>"](data:text/html,x)')

    assert "<a" not in html and "<b>" not in html
    assert visible_text(html) == '![x](javascript:alert(1)) ![<b>"](data:text/html,x)\n'


def test_bare_web_addresses_become_links():
    html = render_markdown(
        "See https://example.com/a_b?c=1&d=2. Or www.example.org, (http://x.example/p)\n"
        "**https://bold.example**"
    )

    rel = 'rel="nofollow ugc noopener noreferrer"'
    assert (
        f'<a href="https://example.com/a_b?c=1&amp;d=2" {rel}>'
        "https://example.com/a_b?c=1&amp;d=2</a>. " in html
    )
    assert f'<a href="http://www.example.org" {rel}>www.example.org</a>,' in html
    assert f'(<a href="http://x.example/p" {rel}>http://x.example/p</a>)' in html
    assert f'<strong><a href="https://bold.example" {rel}>https://bold.example</a></strong>' in html


@pytest.mark.parametrize(
    "source",
    [
        "Run setup.py, then read notes.md",  # Country domains (.py, .md), not links.
        "Write to me at ann@example.com",
        "ftp://files.example/x and //host.example/y",
        "`https://in.code.example`",
        "https\\://escaped.example",
        "xhttps://not.a.scheme.example",
    ],
)
def test_what_is_not_meant_as_a_link_stays_text(source):
    assert "<a" not in render_markdown(source)


def test_a_bare_link_reads_a_bounded_stretch_of_the_text(monkeypatch):
    """Each "://" looks back a few characters for its scheme, and forward at most
    MAX_BARE_URL: markdown-it's own rule looked at all the text around it, for
    each one ("a://" repeated was quadratic, a third of a second)."""
    from forum import markdown

    seen = []
    match_at_start = markdown._md.linkify.match_at_start
    monkeypatch.setattr(
        markdown._md.linkify,
        "match_at_start",
        lambda text: seen.append(len(text)) or match_at_start(text),
    )
    searched = []
    scheme_before = markdown._SCHEME_BEFORE

    class Spy:
        def search(self, text):
            searched.append(len(text))
            return scheme_before.search(text)

    monkeypatch.setattr(markdown, "_SCHEME_BEFORE", Spy())
    source = "a://" * 1000 + " https://example.com/" + "{" * 5000

    html = render_markdown(source)

    assert '<a href="https://example.com/' in html
    assert len(searched) == 1001 and max(searched) <= 6
    assert seen and max(seen) <= MAX_BARE_URL


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


# --- What validate_markdown() refuses, and what render_markdown() does with it ---------


class TextCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def visible_text(html):
    """What a reader sees, entities decoded."""
    collector = TextCollector()
    collector.feed(html)
    collector.close()
    return "".join(collector.parts)


def squashed(text):
    return "".join(text.split())


def letters(text):
    return re.findall(r"[A-Za-z]", text)


def refusal(text):
    """The validator's message for the text, or None if it passes."""
    try:
        validate_markdown(text)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


def python_calls(function, *args):
    """How many Python and C functions a call makes: work that does not depend on the machine."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    previous = sys.getprofile()
    sys.setprofile(count)
    try:
        function(*args)
    finally:
        sys.setprofile(previous)
    return calls


# A realistic long post: dozens of links, stray brackets, lists six deep, a
# table, code, quotes three deep, reference links.
EVERYDAY_POST = "\n".join(
    [
        "# A long question",
        *(
            f"Paragraph {p} with *emphasis*, **strong**, `code[i]`, an interval [0, 1) and "
            + " ".join(f"see [topic {p}.{i}](https://example.com/{p}/{i}) and" for i in range(4))
            + " a[i] and b[j].\n"
            for p in range(12)
        ),
        "".join("  " * depth + f"- level {depth + 1}\n" for depth in range(6)),
        "| " + " | ".join(f"h{c}" for c in range(8)) + " |\n|" + "---|" * 8 + "\n"
        + "".join("| " + " | ".join(f"r{r}c{c}" for c in range(8)) + " |\n" for r in range(30)),
        "```python\n" + "".join(f"x[{i}] = [{i}, {i + 1}]  # [note\n" for i in range(40)) + "```\n",
        "> quoted\n> > quoted twice\n> > > three deep\n",
        "- [ ] a task\n- [x] done\n\nA [reference link][ref] and [ref].\n\n[ref]: https://example.com/r\n",
    ]
)  # fmt: skip


def test_an_everyday_long_post_passes_and_renders_as_plain_markdown_it_would():
    plain = MarkdownIt("js-default", {"breaks": True, "html": False}).disable("image")

    assert len(EVERYDAY_POST) < MAX_BODY_LENGTH
    assert refusal(EVERYDAY_POST) is None
    html = render_markdown(EVERYDAY_POST)
    assert html.count("<a href=") == 12 * 4 + 2
    assert html.count("<li>") == 6 + 2
    assert html.count("<td>") == 30 * 8
    # The limits count the work and change nothing in what is rendered.
    expected = plain.render(EVERYDAY_POST).replace("h1>", "h3>").replace('" target="', '"')
    assert visible_text(html) == visible_text(expected)


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_input_is_refused_or_keeps_all_its_text(name):
    source = PATHOLOGICAL[name]
    assert len(source) == MAX_BODY_LENGTH

    message = refusal(source)
    html = render_markdown(source)

    if message is None:
        # An image is shown as a link labelled "image: <alt text>".
        assert letters(visible_text(html).replace("image: ", "")) == letters(source)
    else:
        assert len(message) > 40
        # Shown as typed, every character, and still nothing but text.
        assert squashed(visible_text(html)) == squashed(source)
        assert {tag for tag, _ in parse(html).tags} <= {"p", "br"}


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_input_does_bounded_work(name):
    """The bound on the work, counted in function calls rather than timed.

    A post of everyday markdown makes about 10 calls per character, the worst
    input the validator accepts about 80. Unchecked, these inputs made up to 830
    ("![" repeated), and more per character the longer they were.
    """
    assert python_calls(render_markdown, PATHOLOGICAL[name]) < 120 * MAX_BODY_LENGTH


def test_the_superlinear_shapes_are_refused():
    for name in ["[ repeated", "[a repeated", "![ repeated", "[a][ repeated", "`[ repeated"]:
        assert "“[”" in refusal(PATHOLOGICAL[name]), name
    assert "table" in refusal(SHAPES["wide table header, one-cell rows"](MAX_BODY_LENGTH))
    assert "Quotes nested" in refusal(PATHOLOGICAL["three quotes, then lazy lines"])


def test_unclosed_brackets_pass_up_to_the_search_limit():
    # Each line of a paragraph is two steps of the search for the "]".
    steps_per_line = 2
    near = MAX_LINK_SEARCH_STEPS // steps_per_line

    stray = "An interval [0, 1) and more:\n" + "a\n" * (near - 20)
    assert refusal(stray) is None
    assert letters(visible_text(render_markdown(stray))) == letters(stray)
    assert "“]”" in refusal(stray + "a\n" * 40)
    # Each unclosed bracket in a paragraph of its own costs little.
    many = "[citation needed\n\n" * 200
    assert refusal(many) is None
    assert visible_text(render_markdown(many)).count("[citation needed") == 200


def test_nesting_up_to_the_limit_renders_every_level():
    lists = "".join("  " * depth + f"- item{depth}\n" for depth in range(MAX_NESTING))
    quotes = "".join(">" * depth + f" quote{depth}\n\n" for depth in range(1, MAX_NESTING + 1))
    mixed = "> - " * (MAX_NESTING // 2) + "deepest"

    for source in [lists, quotes, mixed]:
        assert refusal(source) is None
        assert letters(visible_text(render_markdown(source))) == letters(source)
    assert render_markdown(lists).count("<ul>") == MAX_NESTING
    assert render_markdown(quotes).count("<blockquote>") == MAX_NESTING * (MAX_NESTING + 1) // 2


@pytest.mark.parametrize(
    "source",
    [
        "".join("  " * depth + f"- item{depth}\n" for depth in range(MAX_NESTING + 1)),
        "> " * (MAX_NESTING + 1) + "deep",
        "> - " * (MAX_NESTING // 2) + "> deep",
    ],
    ids=["lists", "quotes", "mixed"],
)
def test_nesting_past_the_limit_is_refused_and_nothing_is_dropped(source):
    message = refusal(source)

    assert f"the limit is {MAX_NESTING}" in message or "Quotes nested" in message
    assert squashed(visible_text(render_markdown(source))) == squashed(source)


def test_what_markdown_it_would_drop_is_refused_and_kept():
    # 60 nested lists: markdown-it stops at maxNesting and drops the rest, words and all.
    source = "".join("  " * depth + f"- word{depth}\n" for depth in range(60)) + "\nThe end."
    plain = MarkdownIt("js-default", {"breaks": True, "html": False})
    assert "The end." not in plain.render(source)

    assert "nested 50 levels deep" in refusal(source)
    html = render_markdown(source)
    assert "The end." in html
    assert letters(visible_text(html)) == letters(source)


def table(columns, rows):
    header = "|" + "".join(f" h{c} |" for c in range(columns)) + "\n"
    delimiter = "|" + "---|" * columns + "\n"
    return header + delimiter + "".join(f"| r{r} |\n" for r in range(rows))


def test_tables_pass_up_to_the_cell_limit():
    columns = 10
    rows = MAX_TABLE_CELLS // columns - 1  # The header row counts too.

    assert refusal(table(columns, rows)) is None
    html = render_markdown(table(columns, rows))
    assert html.count("<td>") == columns * rows
    assert f"the limit is {MAX_TABLE_CELLS:,}" in refusal(table(columns, rows + 1))
    # Two tables count together.
    assert refusal(table(columns, rows // 2) + "\n" + table(columns, rows // 2)) is None
    assert refusal(table(columns, rows) + "\n" + table(columns, 1)) is not None


def test_list_items_pass_up_to_the_limit():
    source = "- item\n" * MAX_LIST_ITEMS

    assert refusal(source) is None
    assert render_markdown(source).count("<li>") == MAX_LIST_ITEMS
    assert f"has {MAX_LIST_ITEMS + 1:,} list items" in refusal(source + "- item\n")


def test_quoted_lines_pass_up_to_the_limit():
    depth = 5
    lines = MAX_QUOTED_LINES // depth
    source = ">" * depth + " quoted\n" + "lazy\n" * (lines - 1)

    assert refusal(source) is None
    assert render_markdown(source).count("<blockquote>") == depth
    message = refusal(source + "lazy\n")
    assert f"Quotes nested up to {depth} levels deep run over {lines + 1:,} lines" in message
    # A blank line ends the quote: what follows costs nothing more.
    assert refusal(source + "\nnot quoted\n" * 500) is None


def test_stored_text_the_validator_refuses_renders_escaped_with_every_character():
    source = "<b>Old post</b> & [" * 400 + "\n\nsecond paragraph\nnext line"
    assert refusal(source) is not None

    html = render_markdown(source)

    assert html.startswith("<p>&lt;b&gt;Old post&lt;/b&gt; &amp; [")
    assert "<p>second paragraph<br>\nnext line</p>" in html
    assert squashed(visible_text(html)) == squashed(source)


def test_text_over_the_length_limit_renders_as_plain_text():
    source = "*a* " * (MAX_BODY_LENGTH // 4 + 1)

    assert refusal(source) is None  # Left to the field's max_length.
    html = render_markdown(source)
    assert "<em>" not in html
    assert squashed(visible_text(html)) == squashed(source)


def test_strict_rendering_raises_the_validators_message():
    with pytest.raises(ValidationError) as raised:
        render_markdown("[" * 1000, strict=True)

    assert raised.value.messages == [refusal("[" * 1000)]
    assert render_markdown("*ok*", strict=True) == "<p><em>ok</em></p>\n"


@pytest.mark.parametrize(
    "form, field",
    [
        (forms.AskForm, "body"),
        (forms.AnswerForm, "body"),
        (forms.FollowUpForm, "body"),
        (forms_moderation.QuestionEditForm, "body"),
        (forms_moderation.AnswerModerationEditForm, "body"),
    ],
)
def test_every_markdown_field_uses_the_validator(form, field):
    assert validate_markdown in form.base_fields[field].validators


def test_an_answer_refused_by_the_validator_keeps_its_text():
    form = forms.AnswerForm(data={"body": "[" * 500})

    assert not form.is_valid()
    assert "“[”" in form.errors["body"][0]
    assert form["body"].value() == "[" * 500


# --- Rendered posts as plain text (notifications, e-mails, the meta description) ------


def test_plain_text_keeps_blocks_apart_and_decodes_entities_once():
    html = render_markdown(
        '# Knee\nIt <b>hurts</b> & "burns"\nat night\n\n3. rest\n4. ice\n\n'
        "- heat\n  - later\n\n> quoted\n\n| a | b |\n|---|---|\n| c | d |\n\n"
        "```\nx = 1\ny = 2\n```\n\n1. loose\n\n2. list ![photo](https://x.example/p.png)"
    )

    assert html_to_text(html) == (
        'Knee\nIt <b>hurts</b> & "burns"\nat night\n3. rest\n4. ice\n- heat\n- later\n'
        "quoted\na b\nc d\nx = 1\ny = 2\n1. loose\n2. list image: photo"
    )


def test_an_excerpt_is_cut_between_words():
    html = render_markdown("1. first item\n2. second item")

    assert excerpt(html, 100) == "1. first item\n2. second item"
    assert excerpt(html, 20) == "1. first item…"
    assert excerpt(html, 20, one_line=True) == "1. first item…"
    assert excerpt(render_markdown("It hurts every time. Running"), 22) == "It hurts every time…"
    assert excerpt(render_markdown("a" * 50), 10) == "a" * 9 + "…"
    assert excerpt("", 10) == ""


@pytest.mark.django_db
def test_the_meta_description_is_the_question_as_text_escaped_once(client):
    from tests.factories import QuestionFactory

    question = QuestionFactory(body='1. <script>alert("x")</script> & it\'s\n2. second')

    page = client.get(question.get_absolute_url()).text

    assert (
        '<meta name="description" content="1. &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; '
        '&amp; it&#x27;s 2. second">'
    ) in page
