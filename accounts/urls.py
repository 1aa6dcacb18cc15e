from django.urls import path

from . import views, views_tokens

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", views.read_notification, name="read_notification"),
    path("notifications/read-all/", views.read_all_notifications, name="read_all_notifications"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("tokens/", views_tokens.api_tokens, name="api_tokens"),
    path("tokens/new/", views_tokens.create_api_token, name="create_api_token"),
    path("tokens/<int:pk>/revoke/", views_tokens.revoke_api_token, name="revoke_api_token"),
]
