from django.urls import path

from accounts import views_two_factor

from .views import (
    actions,
    asker,
    asking,
    auditlog,
    browse,
    disclosures,
    guidance,
    inbox,
    me,
    members,
    moderation,
    preview,
    publication,
    searching,
    threads,
)

app_name = "forum"

urlpatterns = [
    path("categories/", browse.categories, name="categories"),
    path("c/<path:path>/", browse.category, name="category"),
    path("answers/", browse.answers, name="answers"),
    path("unanswered/", browse.unanswered, name="unanswered"),
    path("ask/", asking.ask, name="ask"),
    path("ask/similar/", searching.similar, name="similar"),
    path("search/", searching.search_page, name="search"),
    path("experts/<str:handle>/ask/", asking.ask, name="ask_expert"),
    path("q/<int:pk>/", threads.question_detail, name="question_short"),
    # Actions before the slug route, which would otherwise take "answer" for a slug.
    path("q/<int:pk>/answer/", actions.answer, name="answer_question"),
    path("q/<int:pk>/decline/", actions.decline, name="decline"),
    path("q/<int:pk>/reroute/", actions.reroute, name="reroute"),
    path("q/<int:pk>/resolve/", actions.resolve, name="resolve"),
    path("q/<int:pk>/reopen/", actions.reopen, name="reopen"),
    path("q/<int:pk>/edit/", asker.edit_question, name="edit_question"),
    path("q/<int:pk>/withdraw/", asker.withdraw, name="withdraw"),
    path("q/<int:pk>/ask-again/", asker.ask_again, name="ask_again"),
    path("q/<int:pk>/publication/", publication.step, name="publication_step"),
    path("q/<int:pk>/publish/", publication.redact, name="publish"),
    path("q/<int:pk>/<slug:slug>/", threads.question_detail, name="question"),
    path("a/<int:pk>/", threads.answer_redirect, name="answer"),
    path("a/<int:pk>/follow-up/", actions.follow_up, name="follow_up"),
    path("a/<int:pk>/rate/", actions.rate, name="rate"),
    path("a/<int:pk>/outcome/", actions.record_outcome, name="record_outcome"),
    path("a/<int:pk>/edit/", actions.edit_answer, name="edit_answer"),
    path("flag/<str:kind>/<int:pk>/", actions.flag, name="flag"),
    path("review/<str:kind>/<int:pk>/", actions.request_review, name="request_review"),
    path("me/questions/", me.my_questions, name="my_questions"),
    path("me/inbox/", inbox.inbox, name="inbox"),
]

# The editor widget posts here for its preview (see forum.views.preview).
preview_urlpatterns = [
    path("markdown/preview/", preview.markdown_preview, name="markdownx_markdownify"),
]

# Mounted under /moderation/ in the "moderation" namespace by config/moderation_urls.py.
moderation_urlpatterns = [
    path("", moderation.queue, name="queue"),
    path("log/", auditlog.log, name="log"),
    path("hidden/", moderation.hidden, name="hidden"),
    path("members/", members.search, name="members"),
    path("members/<str:handle>/", members.member, name="member"),
    path("two-factor/", views_two_factor.setup, name="two_factor"),
    path("publications/", publication.queue, name="publications"),
    path("publications/<int:pk>/", publication.review, name="publication_review"),
    path("categories/", guidance.categories, name="category_guidance"),
    path("categories/<int:pk>/guidance/", guidance.edit, name="edit_guidance"),
    path("answers/<int:pk>/feature/", moderation.feature, name="feature"),
    path("answers/<int:pk>/edit/", moderation.edit_answer, name="edit_answer"),
    path(
        "answers/<int:pk>/require-disclosure/",
        disclosures.require_disclosure,
        name="require_disclosure",
    ),
    path("questions/<int:pk>/lock/", moderation.lock, name="lock"),
    path("questions/<int:pk>/edit/", moderation.edit_question, name="edit_question"),
    path("revisions/<str:kind>/<int:pk>/rollback/", moderation.rollback, name="rollback"),
    path("<str:kind>/<int:pk>/hide/", moderation.hide, name="hide"),
    path("<str:kind>/<int:pk>/restore/", moderation.restore, name="restore"),
    path("<str:kind>/<int:pk>/keep-hidden/", moderation.keep_hidden, name="keep_hidden"),
    path("<str:kind>/<int:pk>/dismiss/", moderation.dismiss, name="dismiss"),
    path("<str:kind>/<int:pk>/history/", moderation.history, name="history"),
]
