"""Pages and fragments shared between readers, with slots for what each response holds alone.

A shared answer card (forum.cards) or a bystander's whole thread page
(forum.thread_pages) is rendered once and served to many readers. A few things
in it must not be shared, not even between two views by the same reader:

- the CSRF token: Django masks it anew for every response, which is what keeps
  it safe from BREACH on compressed pages, and the secret behind it changes
  when the member signs in again;
- each form's submission key: a second submit of the same form is recognised
  by it, so two page views must never hold the same one;
- the header (the reader's name, unread count and sign-out form) and the
  messages, on a whole page.

The shared copy holds a slot in their place, and fill() or Shell.response()
puts this response's values in. A slot is NUL-delimited: no text a member
writes can hold a NUL (config.middleware refuses requests with one, and the
markdown renderer replaces it), so a slot is always the page's own.

A Shell is a whole page cut at its slots, with its shared text compressed
once, and a response is the gzip stream of those compressed pieces around
this response's values (the header and the messages compressed alone). The
CSRF token and the keys, in the page or in the header, go in as stored,
uncompressed blocks (_compress), so a secret is never compressed with
anything, which is what BREACH needs; the gzip header also carries a
random-length name, as Django's GZipMiddleware does. Only the compressed
pieces are kept (a twentieth of the page), with what chains their checksums;
a reader whose browser takes no gzip gets the page inflated.
"""

import re
import secrets
import struct
import uuid
import zlib

from django.http import HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, get_token
from django.utils.cache import patch_vary_headers
from django.utils.regex_helper import _lazy_re_compile


def slot(name: str) -> str:
    return f"\x00{name}\x00"


CSRF = slot("csrf")
KEY = slot("key")
HEADER = slot("header")
MESSAGES = slot("messages")
_SLOT = re.compile(rb"\x00(\w+)\x00")
_ACCEPTS_GZIP = _lazy_re_compile(r"\bgzip\b")
# The gzip header of Django's compress_string with FNAME set: the random-length name follows.
_GZIP_HEADER = b"\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\xff"
_LAST_BLOCK = zlib.compressobj(wbits=-zlib.MAX_WBITS).flush()  # an empty final block
MAX_RANDOM_BYTES = 100


def _own_values(request):
    """Each response's own slot values: one CSRF token for its forms, a new key per form."""
    token = None

    def value(name):
        nonlocal token
        if name == "key":
            return str(uuid.uuid4()).encode()
        if name == "csrf":
            token = token or get_token(request).encode()
            return token
        raise KeyError(name)

    return value


def fill(request, content: bytes, values=None) -> bytes:
    """The page with its slots filled: this response's CSRF token, a new key per form,
    and `values` ({name: bytes}) for the others."""
    if b"\x00" not in content:
        return content
    own = _own_values(request)
    values = values or {}

    def value(match):
        name = match[1].decode()
        return values[name] if name in values else own(name)

    return _SLOT.sub(value, content)


def _crc_shift(length: int) -> list:
    """How crc32(text, start) depends on `start` for any text of this length.

    crc32(text, start) == shift(start) ^ crc32(text), where shift is linear in
    the bits of start; these are its columns, found by running crc32 on as many
    zero bytes from each single bit. Kept with a Shell, they let a response
    chain the checksums of the shared pieces without reading their text again.
    """
    zeros = bytes(length)
    base = zlib.crc32(zeros)
    return [zlib.crc32(zeros, 1 << bit) ^ base for bit in range(32)]


def _shifted(columns, crc: int) -> int:
    out, bit = 0, 0
    while crc:
        if crc & 1:
            out ^= columns[bit]
        crc >>= 1
        bit += 1
    return out


def _stored(value: bytes) -> bytes:
    """A stored (uncompressed) deflate block holding `value`, from a byte boundary."""
    return b"".join(
        b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk
        for chunk in (value[i : i + 0xFFFF] for i in range(0, len(value), 0xFFFF))
    )


# The slots of a fixed length: their values go in as stored blocks, never compressed.
FIXED = {"csrf": CSRF_TOKEN_LENGTH, "key": len(str(uuid.UUID(int=0)))}


def _compress(content: bytes):
    """`content` cut at its slots: (texts, slot names, deflate segments, slot widths).

    The texts are compressed as one stream, so each may refer back to the others
    and the page compresses about as well as whole. In place of a slot of fixed
    length (FIXED) the compressor reads as many 0xFF bytes, which UTF-8 text never
    holds, so no later text refers to them; a response puts its value there as a
    stored block of that width (None for the others). Before a slot of any length
    the stream starts afresh (a full flush), and its value is compressed alone.
    """
    pieces = _SLOT.split(content)
    texts, names = pieces[0::2], [name.decode() for name in pieces[1::2]]
    # Only text that holds no 0xFF may hold a fixed slot's stand-in (all UTF-8 text).
    fixed = b"\xff" not in content
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    deflated, widths = [], []
    for i, text in enumerate(texts):
        width = FIXED.get(names[i]) if fixed and i < len(names) else None
        flush = zlib.Z_SYNC_FLUSH if width else zlib.Z_FULL_FLUSH
        deflated.append(compressor.compress(text) + compressor.flush(flush))
        if width:
            compressor.compress(b"\xff" * width)  # its output is the response's value
            compressor.flush(zlib.Z_SYNC_FLUSH)
        if i < len(names):
            widths.append(width)
    return texts, names, deflated, widths


def _interleave(parts, values) -> list:
    """The parts with each slot's value in its place."""
    out = []
    for i, part in enumerate(parts):
        out.append(part)
        if i < len(values):
            out.append(values[i])
    return out


def _stored_values(values, widths) -> list:
    """Each value as a stored block; one of a fixed slot must be just as long as its stand-in."""
    for value, width in zip(values, widths, strict=True):
        if width and len(value) != width:
            raise ValueError(f"A slot of {width} bytes cannot hold {len(value)}.")
    return [_stored(value) for value in values]


class Shell:
    """A rendered page cut at its slots; only its shared pieces, compressed, are kept."""

    # Part of the cache key of a stored Shell: a release that changes what a Shell holds
    # moves it on, and never reads a copy pickled by the one before.
    FORMAT = 3

    def __init__(self, content: bytes):
        texts, self.names, self.deflated, self.widths = _compress(content)
        self.checks = [(zlib.crc32(text), len(text), _crc_shift(len(text))) for text in texts]

    def response(self, request, values) -> HttpResponse:
        """The page for this request: `values` ({name: bytes}) fill the named slots; a value
        may hold CSRF and key slots of its own (the header's sign-out form)."""
        own = _own_values(request)
        segments, filled = [], []
        for name, width in zip(self.names, self.widths, strict=True):
            if name not in values:
                filled.append(own(name))
                segments += _stored_values(filled[-1:], [width])
                continue
            # A value of its own: compressed alone, its own slots stored.
            texts, names, deflated, widths = _compress(values[name])
            inner = [own(inner_name) for inner_name in names]
            segments.append(b"".join(_interleave(deflated, _stored_values(inner, widths))))
            filled.append(b"".join(_interleave(texts, inner)))
        stream = [*_interleave(self.deflated, segments), _LAST_BLOCK]
        accepts_gzip = _ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", ""))
        if accepts_gzip:
            body = self._gzip(stream, filled)
        else:
            body = zlib.decompress(b"".join(stream), -zlib.MAX_WBITS)
        response = HttpResponse(body)
        if accepts_gzip:
            response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(body))
        patch_vary_headers(response, ("Accept-Encoding",))
        return response

    def _gzip(self, stream, filled) -> bytes:
        crc, size = 0, 0
        for i, (text_crc, length, shift) in enumerate(self.checks):
            crc, size = _shifted(shift, crc) ^ text_crc, size + length
            if i < len(filled):
                crc, size = zlib.crc32(filled[i], crc), size + len(filled[i])
        name = b"a" * secrets.randbelow(MAX_RANDOM_BYTES) + b"\x00"
        trailer = struct.pack("<II", crc, size & 0xFFFFFFFF)
        return b"".join([_GZIP_HEADER, name, *stream, trailer])
