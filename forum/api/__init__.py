"""The read-only JSON API at /api/v1/ (django-ninja).

Every answer is what the pages show the same reader: a visitor, or the member
whose personal token is sent (forum.api.auth). Lists page by keyset
(an opaque `cursor`), so rows written meanwhile never shift a page. Every 200
carries an ETag, the hash of its body, and If-None-Match gets a 304. Errors
are {"detail": "..."} with the status the schema lists for the operation.
"""

import hashlib

from django.http import Http404
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from ninja import NinjaAPI, Swagger
from ninja.errors import ValidationError

from . import categories, experts, questions, search
from .auth import RateLimited, TokenAuth, visitor

# Seconds a shared cache (or the browser) may keep a visitor's answer.
PUBLIC_MAX_AGE = 60

DESCRIPTION = """
The public archive of Ask the Experts, read-only, as JSON.

**Who reads what.** Without a token you read what a visitor reads on the site.
With a personal API token (create one on your account page, under “API tokens”),
sent as `Authorization: Bearer <token>`, you read what you read when signed in,
your own private threads included. A revoked or mistyped token is refused (401),
never taken for a visitor. Something you may not see answers 404, exactly as the
pages do.

**Paging.** Lists answer `items` and `next_cursor`; pass the cursor back as
`?cursor=` for the next page (`limit` up to 100). Questions and experts added in
the meantime never shift or repeat a page. Search pages are numbered (`?page=`),
ranked as on the search page.

**Caching.** Every answer has an ETag; send it back as `If-None-Match` and an
unchanged answer is a 304 with no body. Visitors' answers may be cached
publicly for a minute; token answers are private.

**Limits.** Requests are counted per token, or per address without one. Over
the limit the answer is 429 with `Retry-After` (seconds).
"""


class ArchiveAPI(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        if response.status_code == 401:
            response["WWW-Authenticate"] = 'Bearer realm="api"'
        if request.method != "GET" or response.status_code != 200:
            return response
        # The answer depends on who asks: caches keep one copy per token (or none).
        patch_vary_headers(response, ["Authorization"])
        if getattr(getattr(request, "auth", None), "is_authenticated", False):
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        # A strong validator of the body itself: always right, whoever reads.
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:40]}"'
        return get_conditional_response(request, etag=response["ETag"], response=response)

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                # The token is optional: without one, the API reads as a visitor.
                operation["security"] = [*operation.get("security", []), {}]
                for status, response in operation["responses"].items():
                    if str(status) == "304":
                        response["description"] = (
                            "Not modified: the ETag sent in If-None-Match is still current."
                        )
        return schema


api = ArchiveAPI(
    title="Ask the Experts API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=[TokenAuth(), visitor],
    # The interactive docs load ninja's own Swagger files from our static files; no
    # validator badge (it would fetch from swagger.io, which the CSP forbids anyway).
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)


@api.exception_handler(RateLimited)
def rate_limited(request, exc):
    response = api.create_response(request, {"detail": exc.message}, status=429)
    response["Retry-After"] = str(exc.wait)
    return response


@api.exception_handler(ValidationError)
def bad_input(request, exc):
    """A parameter the schema does not allow: 400, saying which and why, in one sentence."""
    problems = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ())[1:] if part != "filters")
        problems.append(f"{where or 'request'}: {error.get('msg', 'not valid')}")
    detail = "Check the request. " + "; ".join(problems) + "."
    return api.create_response(request, {"detail": detail}, status=400)


@api.exception_handler(Http404)
def not_found(request, exc):
    # Nothing more: whether a thing exists and is hidden, or does not exist, looks the same.
    detail = "Not found: it does not exist, or you may not see it."
    return api.create_response(request, {"detail": detail}, status=404)


api.add_router("/categories", categories.router)
api.add_router("/questions", questions.router)
api.add_router("/experts", experts.router)
api.add_router("/search", search.router)
