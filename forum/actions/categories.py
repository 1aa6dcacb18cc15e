"""The category tree: staff change it in the admin, through this action."""

from accounts.actions import action, require
from accounts.audit import AuditAction, record
from config.pagecache import content_changed

from ..models import Category


@action
def save_category(*, staff, category, changed=()):
    """Create or change a category; a renamed or moved one carries its subtree's paths along.

    Search filters categories by id, so nothing needs reindexing; pages and
    archive counts follow through the page cache.
    """
    require(staff.is_active and staff.is_staff, "Only staff change the category tree.")
    if category.pk is not None:
        Category.objects.select_for_update().filter(pk=category.pk).first()
    category.save()
    record(
        actor=staff,
        action=AuditAction.EDIT_CATEGORY,
        target=category,
        after={"changed": ", ".join(changed) or "created"},
    )
    content_changed()
    return category
