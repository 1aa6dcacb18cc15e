"""Per-category guidance and disclaimers ("Answers are not medical advice…"), inherited.

A category's own `guidance` applies to it and to every category below it that
has none of its own; the nearest ancestor with one wins, and an empty text all
the way up means no guidance. Moderators edit it (forum.actions.set_guidance).

Three ways to find it, one per situation, none of them a query per row:

- `effective_guidance(category, ancestors)`: the thread and category pages,
  which hold the category's ancestors already (for the breadcrumbs);
- `with_guidance(queryset, to)`: lists and feeds, as one subquery column of the
  rows they load anyway (`category_guidance` on each row);
- `guidance_by_category()`: {category id: guidance} of the whole tree, shared
  by every reader until the next write (the ask form's category choice).

The text is plain text: templates escape it, feeds and the API carry it as a
field of its own, never pasted into a post's HTML.
"""

from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat, Length
from django.db.models.lookups import StartsWith

from config.pagecache import SITE, remember

from .models import Category

# The annotation with_guidance() adds to each row.
FIELD = "category_guidance"


def effective_guidance(category, ancestors=None) -> str:
    """The guidance shown for `category`: its own, else its nearest ancestor's, else "".

    `ancestors`: the category's ancestors (any order; category.ancestors() gives
    them root first), when the caller has them; otherwise they are read (one query),
    and only if the category has no guidance of its own.
    """
    if category is None:
        return ""
    if category.guidance.strip():
        return category.guidance.strip()
    if not category.parent_id:
        return ""
    if ancestors is None:
        ancestors = category.ancestors()
    return source_of(category, ancestors)[0]


def source_of(category, ancestors):
    """(guidance, the category it comes from) for `category`, or ("", None)."""
    if category.guidance.strip():
        return category.guidance.strip(), category
    for ancestor in sorted(ancestors, key=lambda a: a.depth, reverse=True):
        if ancestor.guidance.strip():
            return ancestor.guidance.strip(), ancestor
    return "", None


def resolve_tree(categories) -> dict[int, tuple[str, object]]:
    """{id: (guidance, source category or None)} for every category of a full tree, no query."""
    by_path = {category.path: category for category in categories}
    found = {}
    for category in categories:
        parts = category.path.split("/")
        ancestors = [
            by_path[p] for i in range(1, len(parts)) if (p := "/".join(parts[:i])) in by_path
        ]
        found[category.pk] = source_of(category, ancestors)
    return found


def guidance_by_category() -> dict[int, str]:
    """{category id: its effective guidance} for each category that has one.

    One query for the whole tree, shared by every reader until the next write.
    """

    def compute():
        rows = Category.objects.only("pk", "path", "guidance", "parent_id")
        return {pk: text for pk, (text, _) in resolve_tree(list(rows)).items() if text}

    return remember("category-guidance", compute, keys=(SITE,))


def guidance_subquery(path):
    """The guidance of the category at `path` (an expression): its own or its nearest ancestor's.

    A correlated subquery over the categories: those with guidance that are the
    category itself or above it (its path starts with theirs and a "/"), deepest first.
    """
    above = Q(path=path) | Q(StartsWith(path, Concat(F("path"), Value("/"))))
    nearest = (
        Category.objects.exclude(guidance="")
        .filter(above)
        .order_by(Length("path").desc())
        .values("guidance")[:1]
    )
    return Subquery(nearest)


def with_guidance(queryset, to="category"):
    """`queryset` with each row's effective guidance as `category_guidance` (None: none).

    `to`: the lookup from the queryset's model to the category: "category" for
    questions, "question__category" for answers, "" for categories themselves.
    """
    path = OuterRef(f"{to}__path" if to else "path")
    return queryset.annotate(**{FIELD: guidance_subquery(path)})


def guidance_of_row(row) -> str:
    """The guidance with_guidance() put on a row ("" when none)."""
    return (getattr(row, FIELD, None) or "").strip()
