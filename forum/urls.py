from django.urls import path

from .views import actions, asking, browse, inbox, me, preview, threads

app_name = "forum"

urlpatterns = [
    path("categories/", browse.categories, name="categories"),
    path("c/<path:path>/", browse.category, name="category"),
    path("answers/", browse.answers, name="answers"),
    path("ask/", asking.ask, name="ask"),
    path("experts/<str:handle>/ask/", asking.ask, name="ask_expert"),
    path("q/<int:pk>/", threads.question_detail, name="question_short"),
    # Actions before the slug route, which would otherwise take "answer" for a slug.
    path("q/<int:pk>/answer/", actions.answer, name="answer_question"),
    path("q/<int:pk>/decline/", actions.decline, name="decline"),
    path("q/<int:pk>/readdress/", actions.readdress, name="readdress"),
    path("q/<int:pk>/close/", actions.close, name="close"),
    path("q/<int:pk>/<slug:slug>/", threads.question_detail, name="question"),
    path("a/<int:pk>/", threads.answer_redirect, name="answer"),
    path("a/<int:pk>/follow-up/", actions.follow_up, name="follow_up"),
    path("a/<int:pk>/rate/", actions.rate, name="rate"),
    path("a/<int:pk>/edit/", actions.edit_answer, name="edit_answer"),
    path("me/questions/", me.my_questions, name="my_questions"),
    path("me/inbox/", inbox.inbox, name="inbox"),
]

# The editor widget posts here for its preview (see forum.views.preview).
preview_urlpatterns = [
    path("markdown/preview/", preview.markdown_preview, name="markdownx_markdownify"),
]
