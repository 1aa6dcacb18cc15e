"""The experts' sitemap section: every public profile."""

from django.urls import reverse

from config.seo import SiteSitemap

from .models import ExpertProfile


class ExpertSitemap(SiteSitemap):
    """Approved experts' profiles, by id.

    No lastmod: a profile changes with each answer, rating and edit of its
    owner, and no one field follows only what a visitor sees there.
    """

    def items(self):
        return (
            ExpertProfile.objects.approved().order_by("pk").values_list("user__handle", flat=True)
        )

    def location(self, handle):
        return reverse("experts:profile", kwargs={"handle": handle})
