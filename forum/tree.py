"""The category tree, built in memory from one query: categories are few, questions many."""

from dataclasses import dataclass, field

from django.db.models import Count

from .models import Category, Question


@dataclass
class Node:
    category: Category
    count: int = 0
    children: list["Node"] = field(default_factory=list)


def category_tree(root=None):
    """Return the tree's top nodes (or `root`'s children) with public answered counts.

    Each count includes the category's subcategories. Two queries, whatever the size.
    """
    categories = list(Category.objects.all())
    counts = dict(
        Question.objects.public()
        .answered()
        .values_list("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    )
    nodes = {c.pk: Node(c, counts.get(c.pk, 0)) for c in categories}
    tops = []
    for category in categories:  # Already in position order.
        node = nodes[category.pk]
        if category.parent_id is None:
            tops.append(node)
        else:
            nodes[category.parent_id].children.append(node)
    # Deepest first, so each parent adds totals that already include grandchildren.
    for category in sorted(categories, key=lambda c: -c.depth):
        if category.parent_id is not None:
            nodes[category.parent_id].count += nodes[category.pk].count
    if root is not None:
        return nodes[root.pk].children
    return tops
