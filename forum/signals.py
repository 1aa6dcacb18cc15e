"""Any saved or deleted content that public pages show changes the page-cache generation."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from config.pagecache import content_changed

SHOWN_ON_PAGES = [
    "forum.Category",
    "forum.Question",
    "forum.Answer",
    "forum.FollowUp",
    "forum.Decline",
    "experts.ExpertProfile",
    "experts.Credential",
    "experts.Rating",
    "accounts.User",
]


# Saves that touch only these fields change nothing a page shows; a login
# (which stores last_login) must not empty every visitor's cached page.
NOT_SHOWN = frozenset({"last_login", "password", "daily_digest"})


def _changed(sender, update_fields=None, **kwargs):
    if update_fields and set(update_fields) <= NOT_SHOWN:
        return
    content_changed()


def connect():
    for label in SHOWN_ON_PAGES:
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"pagecache-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"pagecache-delete-{label}")
    m2m_changed.connect(
        _changed,
        sender=apps.get_model("experts.ExpertProfile").categories.through,
        dispatch_uid="pagecache-expert-categories",
    )
