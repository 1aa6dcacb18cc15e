"""GET /categories: the category tree, flat, with the counts the home page shows."""

from ninja import Router

from ..archive import Archive
from .common import ERRORS
from .schemas import CategoryOut

router = Router(tags=["categories"])


@router.get("", response={200: list[CategoryOut], **ERRORS}, summary="The category tree")
def categories(request):
    """Every category, flat, in tree order: each one comes right after its parent and its
    earlier siblings' subtrees (depth-first, siblings in their site order). `parent_id`
    and `depth` (0 for a top category) give the shape; `answered_count` counts the public
    answered questions of the category and everything below it, as the home page does;
    `guidance` is the category's guidance and disclaimer, its own or inherited.
    The tree is the same for every reader."""
    rows = []

    def walk(nodes, inherited=""):
        for node in nodes:
            category = node.category
            # Its own guidance, else the nearest ancestor's: handed down the walk.
            guidance = category.guidance.strip() or inherited
            rows.append(
                {
                    "id": category.pk,
                    "name": category.name,
                    "path": category.path,
                    "description": category.description,
                    "parent_id": category.parent_id,
                    "depth": category.depth,
                    "answered_count": node.count,
                    "url": category.get_absolute_url(),
                    "guidance": guidance,
                }
            )
            walk(node.children, guidance)

    walk(Archive().tree())
    return rows
