"""Who reads the API: a visitor, or the member whose personal token is sent.

The session cookie is never read here: a page on another site that calls
the API (CORS allows GET from anywhere, without credentials) gets exactly
what a visitor gets, and a member's private threads need their token.

Rate limits are counted here too, once the client is known (see throttle()),
with the site's own counter (accounts.ratelimit), not ninja's
throttles: it finds a visitor's address through allauth's client-IP logic,
which honours the trusted proxy count the rest of the site uses, it fails
open when the cache is down like every other limit here, and it already
knows when a window ends, for Retry-After.
"""

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer

from accounts.actions import TOKEN_USE_PRECISION, note_api_token_use
from accounts.backends import signed_in_user
from accounts.models import ApiToken
from accounts.models.tokens import hash_token
from accounts.ratelimit import Rate, hit, retry_after

# A token is at most this long: longer ones are refused before hashing.
MAX_TOKEN_LENGTH = 200

BAD_TOKEN = (
    "This API token is not valid: it was revoked, mistyped, or its account is closed. "  # noqa: S105 - a message, not a secret
    "Create a new one on your account page, or send no Authorization header to read as a visitor."
)
BAD_HEADER = "Send your token as “Authorization: Bearer <token>”."


def rate() -> Rate:
    return Rate.parse(settings.API_RATE)


def token_user(raw):
    """The active member an active token belongs to, loaded as signed-in members are; or None."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    found = (
        ApiToken.objects.active()
        .filter(key_hash=hash_token(raw), user__is_active=True)
        .values_list("pk", "user_id", "last_used_at")
        .first()
    )
    if found is None:
        return None
    token_id, user_id, last_used_at = found
    user = signed_in_user(user_id)
    if user is None:
        return None
    user.api_token_id = token_id
    if last_used_at is None or timezone.now() - last_used_at >= TOKEN_USE_PRECISION:
        note_api_token_use(token_id=token_id)
    return user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`: the member's personal API token (account page)."""

    def __call__(self, request):
        header = request.headers.get(self.header)
        if not header:
            return None  # a visitor: the next callback (visitor) admits them
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError(401, BAD_HEADER)
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token):
        user = token_user(token)
        if user is None:
            raise AuthenticationError(401, BAD_TOKEN)
        throttle(request, f"token-{user.api_token_id}")
        return user


def visitor(request):
    """No token sent: read as a visitor, whatever cookies came along."""
    throttle(request, visitor_key(request))
    return AnonymousUser()


def reader(request):
    """The user whose visibility rules apply to this request."""
    auth = getattr(request, "auth", None)
    return auth if auth is not None else AnonymousUser()


def visitor_key(request) -> str:
    """A visitor is counted by address, found as the rest of the site finds it."""
    try:
        return f"ip-{get_adapter().get_client_ip(request)}"
    except PermissionDenied:
        return "ip-unknown"


class RateLimited(HttpError):
    def __init__(self, wait: int, limit: Rate):
        super().__init__(
            429,
            f"Too many requests: the limit is {limit.describe()}. "
            f"Try again in {wait} second{'s' if wait != 1 else ''}.",
        )
        self.wait = wait


def throttle(request, key):
    """Count one request of this client; over the rate, refuse with the wait (429).

    Done from the authentication callbacks rather than ninja's throttle hook:
    an exception raised there becomes a response (with Retry-After, see
    forum.api), and the wait travels with the request instead of being kept
    on a throttle object that every request shares.
    """
    limit = rate()
    if not hit("api", key, limit):
        raise RateLimited(retry_after("api", key, limit) or limit.seconds, limit)
