import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**environ):
    """Import the production settings in a fresh interpreter with only the given variables."""
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings.base", **environ}
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'], "
        "settings.CACHES['default']['BACKEND'], settings.MAILERS['default']['BACKEND'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings(DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_development_starts_with_its_own_key_on_sqlite_and_the_console():
    result = load_settings(DEBUG="true")

    assert result.returncode == 0, result.stderr
    debug, engine, cache, mailer = result.stdout.split()
    assert debug == "True"
    assert engine == "django.db.backends.sqlite3"
    assert cache.endswith("LocMemCache")
    assert mailer == "config.mail.ReadableConsoleBackend"  # The console, readable.


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DATABASE_URL", "postgres://u:p@db.internal:5432/experts", "postgresql"),
        ("REDIS_URL", "redis://127.0.0.1:6379/1", "RedisCache"),
        ("EMAIL_URL", "smtp://user:pw@mail.internal:587?tls=True", "smtp.EmailBackend"),
    ],
)
def test_services_are_chosen_by_environment_variables(variable, value, expected):
    result = load_settings(DEBUG="false", SECRET_KEY="x" * 60, **{variable: value})

    assert result.returncode == 0, result.stderr
    assert expected in result.stdout


def test_production_mail_times_out_and_proxies_are_trusted_as_configured():
    env = {"DEBUG": "false", "SECRET_KEY": "x" * 60, "TRUSTED_PROXY_COUNT": "1"}
    env |= {"EMAIL_URL": "smtp://user:pw@mail.internal:587?tls=True"}
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.core.mail import mailers; "
        "print(mailers['default'].timeout, settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings.base", **env},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["20", "1"]
