"""What /healthz/ reports: each dependency of the site, and whether the site can serve.

- database: needed; when it does not answer, the site cannot serve and the
  health check answers 503, so a load balancer takes this process out.
- cache (Redis): an accelerator; when it is down the site serves without it
  (config.cache), slower, and the check says "degraded" with a 200.
- tasks (the e-mail queue, django-tasks-db): how many tasks wait and how old
  the oldest is; a backlog older than TASKS_STALE_AFTER means the worker is
  not keeping up or is down: "degraded" with a 200, since pages still serve.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone

from .cache import cache_available

PROBE_KEY = "healthz:probe"


def _timed(check):
    started = time.perf_counter()
    result = check()
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return {"ok": False, "error": str(error).splitlines()[0][:200]}
    return {"ok": True}


def cache_status():
    if not cache_available(cache):
        return {"ok": False, "error": "unreachable; serving without it"}
    cache.set(PROBE_KEY, 1, timeout=10)
    ok = cache.get(PROBE_KEY) == 1
    return {"ok": ok} if ok else {"ok": False, "error": "unreachable; serving without it"}


def tasks():
    backend = settings.TASKS["default"]["BACKEND"]
    if backend != "django_tasks_db.DatabaseBackend":
        return {"ok": True, "backend": backend.rsplit(".", 1)[-1], "queued": 0}
    from django_tasks_db.models import DBTaskResult

    try:
        ready = DBTaskResult.objects.ready()
        queued = ready.count()
        oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    except DatabaseError as error:
        return {"ok": False, "error": str(error).splitlines()[0][:200]}
    age = (timezone.now() - oldest).total_seconds() if oldest else None
    stale = age is not None and age > settings.TASKS_STALE_AFTER
    return {
        "ok": not stale,
        "queued": queued,
        "oldest_queued_seconds": round(age) if age is not None else None,
        **({"error": "the oldest task waits too long: is the worker running?"} if stale else {}),
    }


def report() -> tuple[dict, bool]:
    """({status, checks}, whether the site can serve)."""
    checks = {
        "database": _timed(database),
        "cache": _timed(cache_status),
        "tasks": _timed(tasks),
    }
    serving = checks["database"]["ok"]
    healthy = all(check["ok"] for check in checks.values())
    status = "ok" if healthy else ("degraded" if serving else "down")
    return {"status": status, "checks": checks}, serving


def stale_after() -> timedelta:
    return timedelta(seconds=settings.TASKS_STALE_AFTER)
