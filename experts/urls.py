from django.urls import path

from .views import applying, dashboard, moderation, public

app_name = "experts"

urlpatterns = [
    path("", public.directory, name="directory"),
    # "apply" and "me" are reserved handles, so these never shadow a profile.
    path("apply/", applying.apply, name="apply"),
    path("me/", applying.manage, name="manage"),
    path("me/dashboard/", dashboard.dashboard, name="dashboard"),
    path("<str:handle>/", public.profile, name="profile"),
]

# Mounted under /moderation/ in the "moderation" namespace by config/moderation_urls.py.
moderation_urlpatterns = [
    path("experts/", moderation.experts, name="experts"),
    path("experts/<int:pk>/", moderation.expert_detail, name="expert"),
    path("experts/<int:pk>/approve/", moderation.approve, name="approve_expert"),
    path("experts/<int:pk>/refuse/", moderation.refuse, name="refuse_expert"),
    path("experts/<int:pk>/suspend/", moderation.suspend, name="suspend_expert"),
    path("experts/<int:pk>/restore/", moderation.restore, name="restore_expert"),
    path("credentials/<int:pk>/verify/", moderation.verify_credential, name="verify_credential"),
    path("credentials/<int:pk>/reject/", moderation.reject_credential, name="reject_credential"),
    path("category-requests/<int:pk>/", moderation.decide_category, name="decide_category"),
]
