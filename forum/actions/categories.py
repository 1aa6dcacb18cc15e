"""The category tree: staff change it in the admin, through this action."""

from accounts.actions import Conflict, NotFound, action, require
from accounts.audit import AuditAction, record
from accounts.roles import is_moderator
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


GUIDANCE_MAX_LENGTH = Category._meta.get_field("guidance").max_length


@action
def set_guidance(*, moderator, category, guidance, based_on=None):
    """Set a category's own guidance and disclaimer; empty: its parent's applies again.

    Moderators only. `based_on`: the text the moderator's form started from; if
    someone else changed it meanwhile, nothing is saved (Conflict). Pages show the
    guidance on every answer of the subtree, so the page cache moves on.
    """
    require(is_moderator(moderator), "Only moderators edit the guidance of a category.")
    text = "\n".join(line.rstrip() for line in guidance.strip().splitlines())
    require(
        len(text) <= GUIDANCE_MAX_LENGTH,
        f"Keep the guidance under {GUIDANCE_MAX_LENGTH} characters.",
    )
    current = Category.objects.select_for_update().filter(pk=category.pk).first()
    if current is None:
        raise NotFound
    if based_on is not None and based_on.strip() != current.guidance.strip():
        raise Conflict(current)
    before = current.guidance
    if text == before:
        return current
    current.guidance = text
    current.save(update_fields=["guidance"])
    record(
        actor=moderator,
        action=AuditAction.EDIT_GUIDANCE,
        target=current,
        before={"guidance": before},
        after={"guidance": text},
    )
    content_changed()
    category.guidance = text
    return current
