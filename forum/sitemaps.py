"""The forum's sitemap sections: the categories and the public threads.

What they list is what a visitor finds in the archive: the public answered
questions (Question.objects.public().answered()), and the categories whose
tree count (the same shared counts the home page shows) is not zero.
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import F, Max
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils.functional import cached_property

from config.seo import SiteSitemap

from .archive import Archive
from .models import Question


class CategorySitemap(SiteSitemap):
    """Categories with at least one public answered thread in their subtree.

    An empty category page is the expert directory and nothing else: thin
    for an index, and it joins the sitemap with its first public answer.
    """

    def items(self):
        archive = Archive()
        listed = []
        nodes = archive.tree()
        while nodes:
            node = nodes.pop()
            if node.count:
                listed.append(node.category)
            nodes.extend(node.children)
        return sorted(listed, key=lambda category: category.pk)

    def location(self, category):
        return category.get_absolute_url()


def last_public_change():
    """When a thread last changed for a visitor: its last activity (an answer shown, a
    follow-up, a change of status) or the last edit of its question, the later.

    The question row has both, so every page of the sitemap and the index
    read them without touching the answers (an edit of an answer alone is not
    seen here).
    """
    return Greatest("last_activity_at", Coalesce("edited_at", "last_activity_at"))


class IdRangePaginator:
    """Pages of the public threads by id: page n lists those with ids in
    ((n - 1) * limit, n * limit].

    A thread stays on its page for good, and any page, the thousandth as the
    first, is one range read on the primary key (no OFFSET past the threads
    before it). Ranges with no public thread are not pages: the index lists
    the others, with when each last changed, from one grouped query.
    """

    def __init__(self, questions, limit):
        self.questions = questions
        self.limit = limit

    @cached_property
    def pages(self) -> dict[int, object]:
        """{page number: latest change among its threads}, for every page that has one."""
        rows = (
            self.questions.order_by()
            .annotate(number=(F("pk") - 1) / self.limit + 1)
            .values("number")
            .annotate(changed=Max(last_public_change()))
            .order_by("number")
            .values_list("number", "changed")
        )
        return dict(rows)

    @property
    def count(self):
        return len(self.pages)

    @property
    def page_range(self):
        return list(self.pages)

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        # Past the largest id a database holds there is nothing, and nothing to ask it.
        if number < 1 or number > (2**63 - 1) // self.limit:
            raise EmptyPage("That page contains no results")
        return number

    def page(self, number):
        number = self.validate_number(number)
        low = (number - 1) * self.limit
        rows = list(
            self.questions.filter(pk__gt=low, pk__lte=low + self.limit)
            .order_by("pk")
            .values("pk", "slug", changed=last_public_change())
        )
        if not rows:
            raise EmptyPage("That page contains no results")
        return Page(rows, number, Paginator(rows, self.limit))


class ThreadSitemap(SiteSitemap):
    """The public answered threads, by id; lastmod is their last public change."""

    @property
    def paginator(self):
        return self._paginator

    @cached_property
    def _paginator(self):
        return IdRangePaginator(Question.objects.public().answered(), self.limit)

    def index_pages(self):
        return list(self._paginator.pages.items())

    def location(self, row):
        return reverse("forum:question", kwargs={"pk": row["pk"], "slug": row["slug"]})

    def lastmod(self, row):
        return row["changed"]
