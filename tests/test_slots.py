"""Shared pages with slots (config.slots): each response fills its own values in, and the
gzip stream of the pieces compressed once is a valid one, whatever the page."""

import gzip
import random
import re
import uuid

import pytest
from django.test import RequestFactory

from config import slots
from config.slots import Shell

PAGE = (
    "<html><body>" + slots.HEADER + "<main>"
    + "".join(f"<p>Answer {n}: rest, ice, compression.</p>" for n in range(300))
    + '<form><input name="csrfmiddlewaretoken" value="' + slots.CSRF + '">'
    + '<input name="submission_key" value="' + slots.KEY + '"></form>'
    + '<form><input name="csrfmiddlewaretoken" value="' + slots.CSRF + '">'
    + '<input name="submission_key" value="' + slots.KEY + '"></form>'
    + "</main>" + slots.MESSAGES + "</body></html>"
).encode()  # fmt: skip


def request(gzip_ok=True):
    headers = {"Accept-Encoding": "gzip, deflate, br"} if gzip_ok else {}
    return RequestFactory().get("/q/1/", headers=headers)


def values():
    return {"header": b"<header>Ann Reader</header>", "messages": b""}


def test_a_gzipped_response_is_the_page_with_its_slots_filled():
    response = Shell(PAGE).response(request(), values())

    page = gzip.decompress(response.content).decode()  # checks the CRC and the length

    assert response["Content-Encoding"] == "gzip"
    assert page.startswith("<html><body><header>Ann Reader</header><main>")
    assert page.count("rest, ice, compression") == 300
    assert "\x00" not in page
    tokens = [part.split('"')[0] for part in page.split('csrfmiddlewaretoken" value="')[1:]]
    keys = [part.split('"')[0] for part in page.split('submission_key" value="')[1:]]
    assert len(tokens) == 2 and tokens[0] == tokens[1] and len(tokens[0]) == 64
    assert len(keys) == 2 and keys[0] != keys[1] and all(uuid.UUID(key) for key in keys)


def test_a_browser_without_gzip_gets_the_same_page_plain():
    shell = Shell(PAGE)
    zipped = gzip.decompress(shell.response(request(), values()).content).decode()
    plain = shell.response(request(gzip_ok=False), values())

    assert "Content-Encoding" not in plain
    assert int(plain["Content-Length"]) == len(plain.content)
    # The same page, but for this response's own token and keys.
    assert len(plain.content.decode()) == len(zipped)
    assert plain.content.decode()[:200] == zipped[:200]


@pytest.mark.parametrize("seed", range(12))
def test_any_page_cut_anywhere_makes_a_valid_gzip_stream(seed):
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    names = [rng.choice([slots.HEADER, slots.MESSAGES, slots.CSRF, slots.KEY]) for _ in range(6)]
    pieces = [
        "".join(rng.choice("ab<>é\n ") for _ in range(rng.randint(0, 3000))) * rng.randint(1, 3)
        for _ in range(7)
    ]
    content = pieces[0] + "".join(
        name + piece for name, piece in zip(names, pieces[1:], strict=True)
    )
    header, messages = f"<h{seed}>", rng.choice(["", "<p>Saved.</p>"])

    response = Shell(content.encode()).response(
        request(), {"header": header.encode(), "messages": messages.encode()}
    )

    page = gzip.decompress(response.content).decode()  # checks the CRC and the length
    expected = re.escape(content)
    for slot, pattern in (
        (slots.HEADER, re.escape(header)),
        (slots.MESSAGES, re.escape(messages)),
        (slots.CSRF, "[A-Za-z0-9]{64}"),
        (slots.KEY, "[0-9a-f-]{36}"),
    ):
        expected = expected.replace(re.escape(slot), pattern)
    assert re.fullmatch(expected, page, re.DOTALL)


def test_the_shared_text_compresses_as_well_as_the_whole_page():
    page = gzip.decompress(Shell(PAGE).response(request(), values()).content)

    # Two forms' worth of slots do not cost the page its compression.
    assert len(Shell(PAGE).response(request(), values()).content) < 1.3 * len(gzip.compress(page))


def test_the_length_of_a_response_varies_from_one_to_the_next():
    shell = Shell(PAGE)
    lengths = {len(shell.response(request(), values()).content) for _ in range(10)}

    assert len(lengths) > 1  # a random-length name in the gzip header, as Django's GZip does


def test_fill_puts_this_responses_values_in_a_page_rendered_now():
    page = slots.fill(request(), b"<p>\x00header\x00</p>" + slots.KEY.encode(), {"header": b"Hi"})

    assert page.startswith(b"<p>Hi</p>") and uuid.UUID(page[len(b"<p>Hi</p>") :].decode())
    assert slots.fill(request(), b"<p>no slot</p>") == b"<p>no slot</p>"


def test_a_values_own_token_slot_is_filled_and_never_compressed():
    header = b'<header><form><input name="csrfmiddlewaretoken" value="' + slots.CSRF.encode()
    header += b'"></form><p>' + b"Ann Reader " * 50 + b"</p></header>"

    response = Shell(PAGE).response(request(), {"header": header, "messages": b""})

    page = gzip.decompress(response.content).decode()
    tokens = [part.split('"')[0] for part in page.split('csrfmiddlewaretoken" value="')[1:]]
    assert len(tokens) == 3 and len(set(tokens)) == 1  # one token for the response's forms
    # Stored, not compressed: the token's bytes are in the gzip stream as they are.
    assert response.content.count(tokens[0].encode()) == 3


def test_a_page_holding_0xff_still_makes_a_valid_gzip_stream():
    # No UTF-8 text holds 0xFF; bytes that do cannot take the stand-ins, and still work.
    content = b"<p>\xff" + slots.CSRF.encode() + b"<p>" + slots.KEY.encode() + b"\xff</p>"

    page = gzip.decompress(Shell(content).response(request(), {}).content)

    assert page.startswith(b"<p>\xff") and page.endswith(b"\xff</p>") and len(page) == 112
