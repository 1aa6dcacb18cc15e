from django.contrib.postgres.search import SearchVectorField
from django.db import models

from .categories import Category
from .posts import Question


class SearchEntry(models.Model):
    """One post's text, as the search index sees it; rebuilt with its thread on every write.

    Visibility is copied here so a search filters without joins: `is_public`
    is what visitors may find. PostgreSQL searches `vector` (a weighted
    tsvector with a GIN index); SQLite searches an FTS5 table keyed by this
    row's id. Both are created and kept by forum.search.
    """

    class Kind(models.TextChoices):
        QUESTION = "q", "Question"
        ANSWER = "a", "Answer"
        FOLLOW_UP = "f", "Follow-up"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=1, choices=Kind.choices)
    post_id = models.PositiveBigIntegerField()
    author_id = models.PositiveBigIntegerField()
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    is_public = models.BooleanField(help_text="Public thread, neither it nor the post hidden.")
    is_hidden = models.BooleanField(help_text="The post or its question is hidden.")
    answered = models.BooleanField()
    featured = models.BooleanField()
    created_at = models.DateTimeField()
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = "search entry"
        verbose_name_plural = "search entries"

    def __str__(self):
        return f"{self.get_kind_display()} {self.post_id} of question {self.question_id}"
