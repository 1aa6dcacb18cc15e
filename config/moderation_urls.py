"""Every moderation page under /moderation/, in the "moderation" URL namespace."""

from experts.urls import moderation_urlpatterns as experts_moderation
from forum.urls import moderation_urlpatterns as forum_moderation

app_name = "moderation"

# The experts' routes first: forum's "<kind>/<pk>/..." patterns would match them too.
urlpatterns = [*experts_moderation, *forum_moderation]
