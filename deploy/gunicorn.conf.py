"""Gunicorn settings for Ask the Experts in production.

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py config.wsgi

Everything here can be overridden from the environment (handy for a second
instance, a smaller machine or a test run): GUNICORN_BIND, GUNICORN_WORKERS
(or WEB_CONCURRENCY), GUNICORN_TIMEOUT, GUNICORN_ACCESSLOG,
GUNICORN_CONTROL_SOCKET. Gunicorn sits behind nginx (deploy/nginx.conf),
which terminates TLS, serves /static/ itself and buffers slow clients, so the
sync workers here only ever talk to a fast local proxy.
"""

import os


def _int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cpus():
    # The CPUs this process may run on (a container's quota or taskset), not the host's.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# Only nginx on this host talks to gunicorn; never expose it directly.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: a request holds one worker while Django waits on PostgreSQL or
# Redis, so run about two per core plus one (the usual rule for I/O-bound
# Django). Each worker keeps its own PostgreSQL connection (CONN_MAX_AGE):
# workers x instances must stay well under PostgreSQL's max_connections.
workers = _int("GUNICORN_WORKERS", _int("WEB_CONCURRENCY", 2 * _cpus() + 1))
worker_class = "sync"

# A request still running after 30 s is a stuck worker (the slowest real page,
# a search over 100,000 questions, takes well under a second): the arbiter
# kills and replaces it. nginx's proxy_read_timeout is a little longer (35 s),
# so the client gets gunicorn's answer (or a clean 502), not an nginx timeout
# racing it.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM (systemctl stop/restart, deploys) workers finish the request in
# hand for up to this long before being killed; systemd's TimeoutStopSec is
# longer still (deploy/systemd/askexperts-web.service).
graceful_timeout = 30
# Sync workers close the connection after each response anyway; this only
# matters if the worker class is changed. Kept shorter than nginx's upstream
# idle time so gunicorn, not nginx, closes idle connections.
keepalive = 5

# Request limits. nginx already refuses bodies over 1 MB (client_max_body_size);
# these stop oversized request lines and header blocks before Django parses them.
# 4094 bytes is far more than any URL of the site (the longest are search
# queries, and forms POST their text in the body).
limit_request_line = 4094
# A browser sends 15-25 headers and nginx adds four; 64 leaves room and no more.
limit_request_fields = 64
# One header line: the Cookie header (session, csrftoken, messages) is the
# largest and stays under 2 KB; 8 KB is the usual ceiling.
limit_request_field_size = 8190

# Recycle each worker after some thousands of requests: a cheap guard against
# slow memory growth. The jitter is wide on purpose: workers share the load
# evenly, so with a narrow one they all reach the limit within a second or two
# and the site stops answering while they boot again (scripts/faults saw a 3 s
# stall with 1000 +- 100 at 40 requests/s).
max_requests = 5000
max_requests_jitter = 2500

# The worker heartbeat file lives in RAM: on a disk-backed /tmp a slow fsync can
# stall a worker long enough for the arbiter to think it hung.
if os.path.isdir("/dev/shm"):  # noqa: S108 - a private heartbeat file, not shared data
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# nginx on this host sets X-Forwarded-Proto; only trust it from there (Django's
# SECURE_PROXY_SSL_HEADER reads the same header).
forwarded_allow_ips = "127.0.0.1,::1"

# Logs go to stderr, which systemd sends to the journal. The access log shows
# the real client (from nginx's X-Forwarded-For), the status, the size and the
# time taken in microseconds (%(D)s), which is what slow requests are found by.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s %(t)s "%(r)s" %(s)s %(B)s %(D)sus "%(f)s" "%(a)s"'

# gunicornc's control socket: off unless a path is given (the default, one path
# per user in the home folder, would be shared by every instance on the host).
_control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
if _control_socket:
    control_socket = _control_socket
else:
    control_socket_disable = True

proc_name = "askexperts-web"
