"""Time render_markdown() on the inputs known to be slow for markdown parsers.

Times belong here (`make bench` prints them), not in the tests: a loaded machine
fails any wall-clock limit a test could set.
"""

import time

from django.core.management.base import BaseCommand

from forum.markdown import MAX_BODY_LENGTH, render_markdown

# The shapes that make markdown parsers superlinear, at the longest body allowed.
PATHOLOGICAL = {
    "[ repeated": "[" * MAX_BODY_LENGTH,
    "[a repeated": "[a" * (MAX_BODY_LENGTH // 2),
    "[a]( repeated": "[a](" * (MAX_BODY_LENGTH // 4),
    "*a repeated": "*a" * (MAX_BODY_LENGTH // 2),
    "> repeated": ">" * MAX_BODY_LENGTH,
    "< repeated": "<" * MAX_BODY_LENGTH,
    "- repeated (nested lists)": "- " * (MAX_BODY_LENGTH // 2),
    "` repeated": "`" * MAX_BODY_LENGTH,
}


class Command(BaseCommand):
    help = "Print how long render_markdown() takes on pathological input, as a markdown table."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=3)

    def handle(self, *args, repeat, **options):
        self.stdout.write(f"| input | best of {repeat}, ms | worst, ms |")
        self.stdout.write("|---|---|---|")
        for name, source in PATHOLOGICAL.items():
            times = []
            for _ in range(repeat):
                start = time.process_time()
                render_markdown(source)
                times.append((time.process_time() - start) * 1000)
            self.stdout.write(f"| {name} | {min(times):.0f} | {max(times):.0f} |")
