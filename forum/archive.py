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
from django.db.models import Count, Exists, OuterRef
from django.utils.functional import cached_property

from config.pagecache import remember

from .models import Answer, Category, Question

PAGE_SIZE = 20

# The archive's orders (?order=): label and ORDER BY, each served by an index
# of Question.Meta, site-wide and per category.
ORDERS = {
    "newest": ("Newest", ("-created_at", "-id")),
    "answered": ("Recently answered", ("-answered_at", "-id")),
    "rated": ("Best rated", ("-best_rating", "-answered_at", "-id")),
}
DEFAULT_ORDER = "newest"


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


def unanswered_counts() -> dict[int, int]:
    """{category id: its public questions waiting for an answer}, shared until the next write."""

    def count():
        return dict(
            Question.objects.public()
            .unanswered()
            .values_list("category")
            .annotate(n=Count("id"))
            .values_list("category", "n")
        )

    return remember("unanswered-counts", count)


class Archive:
    """The category tree and the listings, from one read of the categories and their counts."""

    @cached_property
    def counts(self):
        return answered_counts()

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

    def subtree(self, category) -> set[int]:
        """The ids of `category` and of every category below it."""
        return {
            c.pk
            for c in self.categories
            if c.path == category.path or c.path.startswith(f"{category.path}/")
        }

    def _within(self, category, questions, counts):
        """`questions` and `counts` ({category id: n}) kept to `category`'s subtree, if any."""
        if category is None:
            return questions, counts
        ids = self.subtree(category)
        return questions.filter(category__in=ids), {pk: n for pk, n in counts.items() if pk in ids}

    def page(self, request, category=None, *, order=DEFAULT_ORDER, expert=None, featured=False):
        """The requested page of the listing of `category`'s subtree, or of the whole archive.

        `order` is a key of ORDERS; `expert` keeps the questions that user's shown
        answer is on, `featured` those with an editor's pick. Without those two
        the count comes from the shared counts; with them it is one COUNT query.
        """
        questions, counts = self._within(
            category, Question.objects.public().answered(), self.counts
        )
        answers = Answer.objects.filter(question=OuterRef("pk"), is_hidden=False)
        if expert is not None:
            questions = questions.filter(Exists(answers.filter(author=expert)))
        if featured:
            questions = questions.filter(Exists(answers.filter(is_featured=True)))
        total = questions.count if expert is not None or featured else sum(counts.values())
        listing = Listing(questions, total, ORDERS.get(order, ORDERS[DEFAULT_ORDER])[1])
        return Paginator(listing, PAGE_SIZE).get_page(request.GET.get("page"))

    def unanswered_page(self, request, category=None):
        """The requested page of the public questions still waiting for an answer, newest first."""
        questions, counts = self._within(
            category, Question.objects.public().unanswered(), unanswered_counts()
        )
        listing = Listing(questions, sum(counts.values()))
        return Paginator(listing, PAGE_SIZE).get_page(request.GET.get("page"))


class Listing:
    """Questions in one order (newest first by default), as a Paginator wants them.

    The count is known beforehand, or `total` is a function that counts once.
    A slice takes the page's ids from the archive index (an index-only scan,
    however deep the page), then loads those rows with what the list shows.
    """

    def __init__(self, questions, total, order=ORDERS[DEFAULT_ORDER][1]):
        self.questions = questions
        self.total = total
        self.order = order

    @cached_property
    def _count(self):
        return self.total() if callable(self.total) else self.total

    def count(self):
        return self._count

    def __len__(self):
        return self._count

    def __getitem__(self, index):
        ids = list(self.questions.order_by(*self.order).values_list("pk", flat=True)[index])
        rows = Question.objects.with_listing_data().in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]
