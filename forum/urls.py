from django.urls import path

from .views import browse, me, threads

app_name = "forum"

urlpatterns = [
    path("categories/", browse.categories, name="categories"),
    path("c/<path:path>/", browse.category, name="category"),
    path("answers/", browse.answers, name="answers"),
    path("q/<int:pk>/", threads.question_detail, name="question_short"),
    path("q/<int:pk>/<slug:slug>/", threads.question_detail, name="question"),
    path("a/<int:pk>/", threads.answer_redirect, name="answer"),
    path("me/questions/", me.my_questions, name="my_questions"),
]
