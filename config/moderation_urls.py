"""Every moderation page under /moderation/, in the "moderation" URL namespace."""

from django.urls import path

from experts.urls import moderation_urlpatterns as experts_moderation
from forum.views import moderation

app_name = "moderation"

urlpatterns = [
    path("", moderation.queue, name="queue"),
    *experts_moderation,
]
