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


def _changed(sender, **kwargs):
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
