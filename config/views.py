from django.shortcuts import render


def healthz(request):
    """A health check for load balancers, and the benchmark's baseline: a template, no database."""
    return render(request, "healthz.txt", {"status": "ok"}, content_type="text/plain")
