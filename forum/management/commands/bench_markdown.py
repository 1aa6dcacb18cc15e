"""Time render_markdown() on the inputs known to be slow for markdown parsers.

Times belong here (`make bench` prints them), not in the tests: a loaded machine
fails any wall-clock limit a test could set. For each shape this prints the CPU
time at the longest body allowed (refused input renders as plain paragraphs),
and the time of the longest input of that shape that validate_markdown()
accepts: the worst that any form lets through.
"""

import statistics
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from forum.markdown import MAX_BODY_LENGTH, render_markdown, validate_markdown


def repeated(unit, prefix=""):
    """The shape as a function of length: the prefix, then the unit repeated."""
    return lambda length: (prefix + unit * length)[:length]


def nested_list(length):
    items = "".join("  " * depth + f"- level {depth}\n" for depth in range(length))
    return items[:length]


def nested_quotes(length):
    return "".join(">" * depth + f" level {depth}\n" for depth in range(1, length))[:length]


# The shapes that make markdown parsers superlinear, or lose text, or just cost
# the most per character.
SHAPES = {
    "[ repeated": repeated("["),
    "[a repeated": repeated("[a"),
    "[a]( repeated": repeated("[a]("),
    "![ repeated": repeated("!["),
    "[] repeated": repeated("[]"),
    "[a][ repeated": repeated("[a]["),
    "[\\] repeated": repeated("[\\]"),
    "`[ repeated": repeated("`["),
    "[[a]] repeated": repeated("[[a]]"),
    "[ then a paragraph of line breaks": repeated("a\n", prefix="["),
    "20 [ then punctuation": repeated("!", prefix="[" * 20),
    "*a repeated": repeated("*a"),
    "_a repeated": repeated("_a"),
    "*_ repeated": repeated("*_"),
    "` repeated": repeated("`"),
    "< repeated": repeated("<"),
    "\\ repeated": repeated("\\"),
    "| repeated": repeated("|"),
    "link reference definitions": repeated("[1]: /1\n", prefix="See [1].\n\n"),
    "line breaks": repeated("a\n"),
    "empty headings": repeated("#\n"),
    "> repeated": repeated(">"),
    "nested quotes, one level more a line": nested_quotes,
    "three quotes, then lazy lines": repeated("a\n", prefix=">>> "),
    "- repeated (nested lists)": repeated("- "),
    "nested lists, one level more a line": nested_list,
    "> - repeated": repeated("> - "),
    "lists, * and + alternating": repeated("* a\n+ a\n"),
    "table rows": repeated("|a|b|\n", prefix="|a|b|\n|-|-|\n"),
    "wide table header, one-cell rows": repeated(
        "a\n", prefix="|a" * 50 + "|\n" + "|-" * 50 + "|\n"
    ),
    # Bare links (linkify): each "://" looks back for its scheme, and linkify-it
    # looks ahead for the bracket closing each "(" or "{" in a path.
    "bare links": repeated("https://example.com/a "),
    "bare links, { in the path": repeated("https://a.bc/{"),
    ":// without a scheme": repeated("a://"),
    "www. links": repeated("www.example.com "),
    "images (shown as links)": repeated("![a](1) "),
    "images in a link": repeated("![a](1)", prefix="["),
}
PATHOLOGICAL = {name: shape(MAX_BODY_LENGTH) for name, shape in SHAPES.items()}


def accepted(text):
    try:
        validate_markdown(text)
    except ValidationError:
        return False
    return True


def longest_accepted(shape):
    """The longest input of the shape that the validator accepts (0: none)."""
    if accepted(shape(MAX_BODY_LENGTH)):
        return MAX_BODY_LENGTH
    low, high = 0, MAX_BODY_LENGTH - 1
    while low < high:
        middle = (low + high + 1) // 2
        if accepted(shape(middle)):
            low = middle
        else:
            high = middle - 1
    return low


def cpu_ms(text, repeat):
    """The median and the slowest of `repeat` renders, in milliseconds of CPU time."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        render_markdown(text)
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times), max(times)


class Command(BaseCommand):
    help = "Print how long render_markdown() takes on pathological input, as a markdown table."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, repeat, **options):
        self.stdout.write(
            f"| input | at {MAX_BODY_LENGTH:,} characters | median, ms | longest accepted "
            "| median, ms | slowest, ms |"
        )
        self.stdout.write("|---|---|---|---|---|---|")
        worst = (0.0, 0.0, "")
        for name, shape in SHAPES.items():
            full = shape(MAX_BODY_LENGTH)
            verdict = "accepted" if accepted(full) else "refused: shown as text"
            full_ms, _ = cpu_ms(full, repeat)
            length = longest_accepted(shape)
            median, slowest = cpu_ms(shape(length), repeat) if length else (0.0, 0.0)
            worst = max(worst, (median, slowest, name))
            self.stdout.write(
                f"| {name} | {verdict} | {full_ms:.0f} | {length:,} | {median:.0f} "
                f"| {slowest:.0f} |"
            )
        self.stdout.write("")
        self.stdout.write(
            f"CPU time, median and slowest of {repeat} runs. Refused input is shown as plain "
            f"text. Worst input the validator accepts: {worst[2]}, {worst[0]:.0f} ms "
            f"(slowest {worst[1]:.0f} ms)."
        )
