"""axe-core (shipped inside axe-playwright-python) on a page: no serious or critical issue."""

from axe_playwright_python.sync_playwright import Axe

_axe = Axe()
BLOCKING = {"serious", "critical"}


def assert_accessible(page):
    results = _axe.run(page)
    problems = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in problems
    )
    assert not problems, f"Accessibility problems on {page.url}:\n{report}"


def assert_no_horizontal_scroll(page):
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 1:
        culprits = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right
                              > document.documentElement.clientWidth + 1)
                .slice(-5)
                .map(el => el.tagName.toLowerCase() + '.' + [...el.classList].join('.')
                           + ' (' + Math.round(el.getBoundingClientRect().right) + 'px)')"""
        )
        raise AssertionError(f"{page.url} scrolls sideways by {overflow}px: {culprits}")
