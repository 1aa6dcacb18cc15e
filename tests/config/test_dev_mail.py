"""E-mail printed on the console in development: headers and the text part, readable."""

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from config.mail import ReadableConsoleBackend
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
LINK = (
    "http://127.0.0.1:8101/accounts/confirm-email/"
    "Mw:1vQ9Zt:Xb3k0d9sQ2lWm8Yc4Vq7rT1uZ5pA6nH0eJ2gK4fL8sD3/"
)


def run_django(code, **environ):
    """Run code with the development settings in a fresh interpreter: the real start-up."""
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings.base", **environ}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


SEND = f"""
from django.core.mail import EmailMultiAlternatives
message = EmailMultiAlternatives(
    subject="[Ask the Experts] Confirm your e-mail “Zoë”",
    body="Hello Zoë,\\n\\nTo confirm, open {LINK}\\n",
    to=["zoe@example.com"],
)
message.attach_alternative('<p>Hello Zoë, <a href="{LINK}">confirm</a></p>', "text/html")
message.send()
"""


def test_development_prints_e_mails_with_whole_links():
    result = run_django(SEND, DEBUG="true")

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Subject: [Ask the Experts] Confirm your e-mail “Zoë”\n" in out
    assert "To: zoe@example.com\n" in out
    assert f"Hello Zoë,\n\nTo confirm, open {LINK}\n" in out
    # Neither quoted-printable (soft line breaks, =C3=AB) nor the raw HTML part.
    assert "=\n" not in out and "=C3" not in out and "Content-Transfer-Encoding" not in out
    assert "<a href" not in out
    assert "not shown: text/html" in out


def test_production_keeps_djangos_console_backend_for_the_deploy_check():
    code = "from django.conf import settings; print(settings.MAILERS['default']['BACKEND'])"

    development = run_django(code, DEBUG="true")
    production = run_django(code, DEBUG="false", SECRET_KEY="x" * 60, EMAIL_URL="consolemail://")

    assert development.stdout.strip() == "config.mail.ReadableConsoleBackend"
    # Django's `check --deploy` recognises this one as development-only (mail.E001).
    assert production.stdout.strip() == "django.core.mail.backends.console.EmailBackend"


def test_a_message_without_a_text_part_prints_its_html_and_attachments_are_named():
    stream = io.StringIO()
    message = EmailMultiAlternatives(subject="Only HTML", body="", to=["a@example.com"])
    message.content_subtype = "html"
    message.body = f'<p><a href="{LINK}">{LINK}</a></p>'
    message.attach("notes.txt", "x" * 200, "text/plain")

    ReadableConsoleBackend(stream=stream).send_messages([message])

    out = stream.getvalue()
    assert f'<a href="{LINK}">{LINK}</a>' in out
    assert "not shown: text/plain" in out
    assert out.endswith("-" * 79 + "\n")


# --- Links in development e-mails lead to the address `make run` serves -----------


def make_run_command(*variables, **environ):
    """The command `make run VARIABLE=...` would serve with (make -n runs nothing)."""
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    result = subprocess.run(
        [make, "-n", "run", *variables],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/"), **environ},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stdout.splitlines() if "runserver" in line]
    return line


def test_make_run_on_another_port_puts_that_port_in_e_mail_links():
    command = make_run_command("PORT=8101")
    assert "SITE_URL=http://127.0.0.1:8101 " in command
    assert command.endswith("runserver 127.0.0.1:8101")
    # Served on every interface: reached at 127.0.0.1 from this machine.
    assert "SITE_URL=http://127.0.0.1:8000 " in make_run_command("HOST=0.0.0.0")
    # An address given on purpose (a tunnel, a proxy) is kept.
    assert "SITE_URL=https://dev.example " in make_run_command(SITE_URL="https://dev.example")


@pytest.mark.django_db
def test_the_verification_link_uses_the_address_the_site_was_reached_at(client):
    client.post(
        reverse("account_signup"),
        {
            "display_name": "Zoë",
            "email": "zoe@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        HTTP_HOST="127.0.0.1:8101",
    )

    [message] = mail.outbox
    assert "http://127.0.0.1:8101/accounts/confirm-email/" in message.body


# --- The development console prints each log line once ----------------------------

LOG = """
import logging
logging.getLogger("django.request").warning("Not Found: /nowhere/")
logging.getLogger("django.server").info('"GET / HTTP/1.1" 200 10')
logging.getLogger("forum.views").error("Something broke")
logging.getLogger("django.db.backends").debug("SELECT 1")
"""


def test_development_prints_each_log_line_once_warnings_and_errors_included():
    for debug in ("true", "false"):
        result = run_django(LOG, DEBUG=debug, SECRET_KEY="x" * 60)

        assert result.returncode == 0, result.stderr
        lines = result.stderr.splitlines()
        assert lines.count("Not Found: /nowhere/") == 1, (debug, lines)
        assert lines.count("Something broke") == 1, (debug, lines)
        [request] = [line for line in lines if '"GET / HTTP/1.1" 200 10' in line]
        assert request.startswith("[")  # runserver's own format, with the time.
        assert "SELECT 1" not in result.stderr
