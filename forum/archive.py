"""The public archive: the category tree with its counts, and listings that page cheaply.

Counting 100,000 questions takes tens of milliseconds, and every archive page
and the tree need those counts. They are counted per category in one query,
and that answer is shared by every reader until the next write (the page-cache
generation moves on every change to what pages show). A listing then takes its
count from there, and a deep page looks up only its own rows' ids in the
archive's index before loading them, instead of reading past every row before it.
"""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count
from django.utils.functional import cached_property

from config.pagecache import remember

from .models import Category, Question

PAGE_SIZE = 20


@dataclass
class Node:
    category: Category
    count: int = 0
    children: list["Node"] = field(default_factory=list)


def answered_counts() -> dict[int, int]:
    """{category id: its public answered questions}, shared until the next write."""

    def count():
        return dict(
            Question.objects.public()
            .answered()
            .values_list("category")
            .annotate(n=Count("id"))
            .values_list("category", "n")
        )

    return remember("archive-counts", count)


class Archive:
    """The category tree and the listings, from one read of the categories and their counts."""

    def __init__(self):
        self.counts = answered_counts()

    @cached_property
    def categories(self):
        return list(Category.objects.all())

    def tree(self, root=None):
        """The tree's top nodes (or `root`'s children); each count includes the subcategories."""
        nodes = {c.pk: Node(c, self.counts.get(c.pk, 0)) for c in self.categories}
        tops = []
        for category in self.categories:  # Already in position order.
            node = nodes[category.pk]
            if category.parent_id is None:
                tops.append(node)
            else:
                nodes[category.parent_id].children.append(node)
        # Deepest first, so each parent adds totals that already include grandchildren.
        for category in sorted(self.categories, key=lambda c: -c.depth):
            if category.parent_id is not None:
                nodes[category.parent_id].count += nodes[category.pk].count
        if root is not None:
            return nodes[root.pk].children
        return tops

    def page(self, request, category=None):
        """The requested page of the listing of `category`'s subtree, or of the whole archive."""
        if category is None:
            listing = Listing(Question.objects.public().answered(), sum(self.counts.values()))
        else:
            ids = {
                c.pk
                for c in self.categories
                if c.path == category.path or c.path.startswith(f"{category.path}/")
            }
            listing = Listing(
                Question.objects.public().answered().filter(category__in=ids),
                sum(n for pk, n in self.counts.items() if pk in ids),
            )
        return Paginator(listing, PAGE_SIZE).get_page(request.GET.get("page"))


class Listing:
    """Questions newest first, as a Paginator wants them, with a count known beforehand.

    A slice takes the page's ids from the archive index (an index-only scan,
    however deep the page), then loads those rows with what the list shows.
    """

    def __init__(self, questions, total):
        self.questions = questions
        self.total = total

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, index):
        ids = list(
            self.questions.order_by("-created_at", "-id").values_list("pk", flat=True)[index]
        )
        rows = Question.objects.with_listing_data().in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]
