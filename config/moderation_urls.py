"""Every moderation page under /moderation/, in the "moderation" URL namespace."""

from django.urls import path

from accounts import views_contact, views_reasons
from experts.urls import moderation_urlpatterns as experts_moderation
from forum.urls import moderation_urlpatterns as forum_moderation

app_name = "moderation"

# The experts' routes first: forum's "<kind>/<pk>/..." patterns would match them too.
# The contact messages first too, for the same reason.
contact_moderation = [
    path("contact/", views_contact.contact_messages, name="contact_messages"),
    path("contact/<int:pk>/", views_contact.contact_message, name="contact_message"),
    path(
        "contact/<int:pk>/handle/",
        views_contact.handle_contact_message,
        name="handle_contact_message",
    ),
]

reasons = [
    path("reasons/", views_reasons.reasons, name="reasons"),
    path("reasons/<int:pk>/", views_reasons.edit_reason, name="edit_reason"),
]

urlpatterns = [*contact_moderation, *reasons, *experts_moderation, *forum_moderation]
