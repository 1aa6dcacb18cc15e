from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts.views_contact import contact
from forum.api import api
from forum.urls import preview_urlpatterns
from forum.views.browse import home

from . import pages, views
from .seo_urls import seo_urlpatterns

admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", home, name="home"),
    path("livez/", views.livez, name="livez"),
    path("healthz/", views.healthz, name="healthz"),
    path("about/", pages.about, name="about"),
    path("about/experts/", pages.vetting, name="vetting"),
    path("terms/", pages.terms, name="terms"),
    path("privacy/", pages.privacy, name="privacy"),
    path("contact/", contact, name="contact"),
    *seo_urlpatterns,
    path("", include("forum.urls")),
    *preview_urlpatterns,
    path("experts/", include("experts.urls")),
    path("moderation/", include("config.moderation_urls")),
    path("me/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
