"""View decorators shared by the apps."""

from functools import wraps

from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect


def post_only(back):
    """A POST-only action URL; a GET (or HEAD) is sent back to its page with `back`.

    A reload after a form error, a bookmark, or signing in with `next=` an
    action URL would otherwise end on a blank 405. `back(request, *args,
    **kwargs)` returns the URL of the page the form is on (with the form's
    anchor) and raises Http404 when the user may not see that page.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in ("GET", "HEAD"):
                return redirect(back(request, *args, **kwargs))
            if request.method != "POST":
                return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
