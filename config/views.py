from http import HTTPStatus

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import health


def livez(request):
    """The process answers: a template, no database, no cache. Also the benchmark's baseline."""
    return render(request, "healthz.txt", {"status": "ok"}, content_type="text/plain")


@never_cache
def healthz(request):
    """Each dependency's state (config.health); 503 when the site cannot serve."""
    body, serving = health.report()
    status = HTTPStatus.OK if serving else HTTPStatus.SERVICE_UNAVAILABLE
    return JsonResponse(body, status=status)
