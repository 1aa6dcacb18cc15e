"""What the routers share: the documented error answers, cursors and common conversions."""

import base64
import binascii
import json

from ninja.errors import HttpError

from .schemas import Problem

MAX_LIMIT = 100
DEFAULT_LIMIT = 20

# Every operation may answer these; the schema says so, and the tests hold it to it.
ERRORS = {
    304: None,
    400: Problem,
    401: Problem,
    404: Problem,
    429: Problem,
}


class BadCursor(HttpError):
    def __init__(self):
        super().__init__(
            400, "The cursor is not one this API gave out: start again without `cursor`."
        )


def encode_cursor(*values) -> str:
    """An opaque cursor: the sort key of the last row of a page."""
    raw = json.dumps(list(values), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor, kinds):
    """The values of a cursor, checked against `kinds` (a type per value); BadCursor else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadCursor() from None
    if not isinstance(values, list) or len(values) != len(kinds):
        raise BadCursor()
    for value, kind in zip(values, kinds, strict=True):
        if not isinstance(value, kind) or isinstance(value, bool):
            raise BadCursor()
    return values


def user_ref(user):
    return {"handle": user.handle, "display_name": user.display_name}


def category_ref(category):
    return {"id": category.pk, "name": category.name, "path": category.path}
