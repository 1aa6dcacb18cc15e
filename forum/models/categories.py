from django.db import models
from django.db.models import Q
from django.urls import reverse


class Category(models.Model):
    """A node of the category tree ("Health > Massage"), addressed by its slug path."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=60)
    description = models.TextField(blank=True, help_text="One or two sentences, plain text.")
    # Shown on the ask form, the category page and above each answer; a category
    # without its own takes its nearest ancestor's (see forum.guidance).
    guidance = models.TextField(
        "guidance and disclaimer",
        blank=True,
        max_length=1000,
        help_text="Plain text, e.g. “Answers are not medical advice; in an emergency call 112.” "
        "Empty: the parent category's applies.",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order among its siblings, smallest first."
    )
    # The slugs from the root down, joined by "/": the URL and the subtree filter.
    path = models.CharField(max_length=255, unique=True, editable=False)

    class Meta:
        verbose_name = "category"
        verbose_name_plural = "categories"
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "slug"], name="forum_category_unique_slug"),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(parent=None), name="forum_category_unique_root_slug"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        old_path = self.path
        self.path = f"{self.parent.path}/{self.slug}" if self.parent_id else self.slug
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # A moved or renamed category carries its subtree along.
            for child in self.children.all():
                child.save()

    def get_absolute_url(self):
        return reverse("forum:category", kwargs={"path": self.path})

    @property
    def depth(self):
        return self.path.count("/")

    def ancestor_paths(self):
        """The paths of this category's ancestors, root first."""
        parts = self.path.split("/")
        return ["/".join(parts[:i]) for i in range(1, len(parts))]

    def ancestors(self):
        """This category's ancestors, root first, in one query."""
        return Category.objects.filter(path__in=self.ancestor_paths()).order_by("path")

    def subtree_ids(self):
        """The ids of this category and every category below it, as a subquery."""
        below = Q(pk=self.pk) | Q(path__startswith=f"{self.path}/")
        return Category.objects.filter(below).values("pk")

    def subtree_q(self, prefix="category"):
        """A filter for this category and every category below it."""
        return Q(**{f"{prefix}": self}) | Q(**{f"{prefix}__path__startswith": f"{self.path}/"})
