from django.urls import path

from . import views

app_name = "experts"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<str:handle>/", views.profile, name="profile"),
]
