import secrets

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

# Handles appear in URLs next to fixed routes (/experts/apply/), so those words
# are kept for the site.
RESERVED_HANDLES = frozenset(
    {
        "about", "account", "accounts", "admin", "api", "apply", "ask", "c", "categories",
        "experts", "feeds", "help", "inbox", "login", "logout", "me", "moderation",
        "moderator", "moderators", "q", "search", "settings", "signup", "static", "media",
        "staff", "support", "system", "new", "edit",
    }
)  # fmt: skip

handle_validator = RegexValidator(
    regex=r"^[a-z0-9](?:[a-z0-9-]{0,28}[a-z0-9])?$",
    message="Use 1 to 30 lowercase letters, digits or hyphens, not starting or ending "
    "with a hyphen.",
)


def validate_handle_not_reserved(value):
    from django.core.exceptions import ValidationError

    if value in RESERVED_HANDLES:
        raise ValidationError("This handle is reserved. Please choose another.")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def unique_handle(self, base):
        """A free handle made from `base` (a display name or e-mail), with a number if taken."""
        stem = slugify(base)[:24].strip("-") or "member"
        if stem in RESERVED_HANDLES:
            stem = f"{stem}-member"
        candidate = stem
        while self.filter(handle=candidate).exists():
            candidate = f"{stem}-{secrets.randbelow(90000) + 10000}"
        return candidate

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        if not extra_fields.get("handle"):
            extra_fields["handle"] = self.unique_handle(
                extra_fields.get("display_name") or email.split("@")[0]
            )
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Roles (expert, moderator) hang off it elsewhere."""

    # Stored lower-cased; the Lower() constraint below also catches writes that skip that.
    email = models.EmailField("e-mail address", max_length=254, unique=True)
    handle = models.CharField(
        max_length=30,
        unique=True,
        validators=[handle_validator, validate_handle_not_reserved],
        help_text="Public name used in links to your profile, e.g. /experts/jane-doe/.",
    )
    display_name = models.CharField(
        max_length=80, help_text="Shown next to your questions and answers."
    )
    is_staff = models.BooleanField(
        "staff status", default=False, help_text="Can log into the admin site."
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Unticked instead of deleting the account."
    )
    date_joined = models.DateTimeField("date joined", default=timezone.now)
    # A suspended member can read but not post (see accounts.roles.is_suspended).
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_until = models.DateTimeField(
        null=True, blank=True, help_text="Empty while suspended means indefinitely."
    )
    suspension_reason = models.CharField(max_length=300, blank=True)
    daily_digest = models.BooleanField(
        "daily digest",
        default=False,
        help_text="One e-mail a day with everything new, instead of one e-mail each time.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = "user"
        verbose_name_plural = "users"
        ordering = ["display_name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
        permissions = [
            ("moderate", "Can use the moderation tools"),
            ("suspend_user", "Can suspend and restore users"),
        ]

    def __str__(self):
        return self.display_name or self.handle

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name
