"""Action URLs that a person may reach by GET, and drafts that survive signing in.

Forms post to action URLs (/a/2/follow-up/, /q/4/decline/...). Two things
bring a person there without a form: the address bar after a form error (a
reload, a bookmark), and signing in again with ``next=`` the action URL after
the session expired. Neither should end on a blank 405: a GET leads back to
the page the form belongs to, at the form (`post_only`).

When a session has expired, the text typed into the form arrives with an
anonymous POST. It is kept in the session under the action's path (a few
drafts, each bounded) before the redirect to sign in; Django keeps session
data across sign-in (it cycles the key). Back on the form's page, the form is
shown filled with it and the person is asked to check it and send it again:
nothing is ever sent on their behalf.
"""

import time
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login

from config import http

from .markdown import MAX_BODY_LENGTH

SESSION_KEY = "form_drafts"
MAX_DRAFTS = 5
MAX_FIELDS = 12
MAX_VALUE_LENGTH = MAX_BODY_LENGTH
# Long enough to sign in again, short enough that a draft left on a shared
# computer is not offered to whoever signs in there tomorrow.
MAX_AGE_SECONDS = 2 * 60 * 60
KEPT_MESSAGE = "Your text was kept; check it and send it again."
# Not text: the token belongs to the old session, "action" names the button pressed,
# and a form made again gets a new submission key.
NOT_KEPT = {"csrfmiddlewaretoken", "action", "submission_key"}


def keep(request, key, data):
    """Keep the fields of a POST under `key`, the newest few drafts only, each bounded."""
    fields = {}
    for name in list(data.keys())[:MAX_FIELDS]:
        if name in NOT_KEPT or len(name) > 50:
            continue
        fields[name] = str(data.get(name, ""))[:MAX_VALUE_LENGTH]
    if not any(value.strip() for value in fields.values()):
        return
    drafts = {k: v for k, v in _recent(request).items() if k != key}
    drafts[key] = {"at": int(time.time()), "fields": fields}
    # Dicts keep insertion order: the oldest drafts go first.
    request.session[SESSION_KEY] = dict(list(drafts.items())[-MAX_DRAFTS:])


def _recent(request) -> dict:
    if SESSION_KEY not in request.session:
        return {}
    oldest = time.time() - MAX_AGE_SECONDS
    return {
        key: draft
        for key, draft in request.session[SESSION_KEY].items()
        if draft.get("at", 0) >= oldest
    }


def kept(request) -> dict:
    """The fields of every recent draft kept in this session, by key (most requests: none)."""
    return {key: draft["fields"] for key, draft in _recent(request).items()}


def take(request, key, *, announce=True):
    """The fields of the draft kept for `key`, removed from the session and announced; or None."""
    if key not in request.session.get(SESSION_KEY, {}):
        return None
    drafts = dict(request.session[SESSION_KEY])
    draft = drafts.pop(key)
    request.session[SESSION_KEY] = drafts
    if draft.get("at", 0) < time.time() - MAX_AGE_SECONDS:
        return None
    if announce:
        messages.info(request, KEPT_MESSAGE)
    return draft["fields"]


def keeps_draft(view):
    """An anonymous POST (an expired session) keeps its text, then goes to sign in.

    Signing in leads back to the same URL by GET, where the view (or the page
    `post_only` sends it to) takes the draft with `take(request, request.path)`.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and not request.user.is_authenticated:
            keep(request, request.path, request.POST)
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def post_only(back):
    """config.http.post_only, and an anonymous POST keeps its text for after signing in
    (`keeps_draft`). `back` raises Http404 when the user may not see the page: a private
    thread stays a 404 by this route too."""

    def decorator(view):
        return keeps_draft(http.post_only(back)(view))

    return decorator
