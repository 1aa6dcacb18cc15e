from django.conf import settings
from django.db import models
from django.db.models import Q

from .profiles import ExpertProfile


class CredentialKind(models.TextChoices):
    EDUCATION = "education", "Education"
    CERTIFICATION = "certification", "Certification or licence"
    ORGANIZATION = "organization", "Organization"
    PUBLICATION = "publication", "Publication"
    AWARD = "award", "Award"
    CLIENTS = "clients", "Past/present clients"
    OTHER = "other", "Other"


# Headings for the groups on a profile, in the order they are shown.
CREDENTIAL_GROUP_TITLES = {
    CredentialKind.ORGANIZATION: "Organizations",
    CredentialKind.EDUCATION: "Education",
    CredentialKind.CERTIFICATION: "Certifications and licences",
    CredentialKind.PUBLICATION: "Publications",
    CredentialKind.AWARD: "Awards and honors",
    CredentialKind.CLIENTS: "Past/Present Clients",
    CredentialKind.OTHER: "Other",
}


class Credential(models.Model):
    profile = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="credentials")
    kind = models.CharField(max_length=20, choices=CredentialKind.choices)
    title = models.CharField(max_length=300)
    issuer = models.CharField(max_length=200, blank=True, help_text="School, body or publisher.")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    link = models.URLField(blank=True, help_text="Where the public can check it.")
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    # A credential a moderator could not check: the expert sees why, and editing
    # it puts it back in the moderators' queue.
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rejection_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "credential"
        verbose_name_plural = "credentials"
        ordering = ["kind", "-year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1900, year__lte=2100),
                name="experts_credential_year_range",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_verified(self):
        return self.verified_at is not None
