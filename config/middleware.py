"""Requests carrying a NUL character are refused with 400 before anything reads them.

PostgreSQL text cannot hold a NUL (U+0000): a lookup or a search with one in
its value fails with a DataError, so `/search/?q=a%00b` or `/c/a%00b/` would
answer 500 (SQLite takes the NUL, so the fault shows only in production). No
page, form or search has a use for one, so this middleware refuses the request
once, here, instead of every view guarding every value it reads: the decoded
path, every query-string and POST key and value (and the names of uploaded
files), and every cookie (a quoted cookie may spell a NUL as \\000, and the
session middleware looks its cookie up in the database).

It raises BadRequest, so Django answers with templates/400.html and logs a
warning, not an error. It sits before the page cache, the session and
everything else that reads the request (see MIDDLEWARE in config.settings.base).
"""

from django.core.exceptions import BadRequest

NUL = "\x00"


def _has_nul(values):
    return any(NUL in value for value in values)


def _pairs(querydict):
    for key, values in querydict.lists():
        yield key
        yield from (value for value in values if isinstance(value, str))


def has_nul(request):
    """True if the path, the query string, the cookies or the posted form hold a NUL."""
    if NUL in request.path or _has_nul(_pairs(request.GET)):
        return True
    if _has_nul(request.COOKIES) or _has_nul(request.COOKIES.values()):
        return True
    if request.method == "POST":
        # Parses the body as the CSRF middleware would next; a body that cannot be
        # parsed raises here as it would there (Django answers 400).
        if _has_nul(_pairs(request.POST)):
            return True
        for key, files in request.FILES.lists():
            if NUL in key or _has_nul(upload.name or "" for upload in files):
                return True
    return False


class RejectNulMiddleware:
    """Answers 400 Bad Request to a request with a NUL anywhere a view could read it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request):
            raise BadRequest("NUL character in the request")
        return self.get_response(request)
