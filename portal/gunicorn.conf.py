"""gunicorn settings for the web service (`gunicorn -c portal/gunicorn.conf.py portal.wsgi`).

Every value can be overridden from the environment; the defaults suit one
container behind a reverse proxy that terminates TLS.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")  # noqa: S104 - inside a container
# Sync workers: the pages are short, CPU-bound requests. Two per core, at most 8.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count(), 8)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows unbounded.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = 100
# Trust X-Forwarded-* only from the addresses the reverse proxy uses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Heartbeat files in memory, not on the container's overlay filesystem.
_shm = "/dev/shm"  # noqa: S108 - a RAM disk, used as gunicorn recommends
worker_tmp_dir = _shm if os.path.isdir(_shm) else None
# No control socket: the container is managed from outside, and the
# unprivileged user cannot write the default $HOME/.gunicorn/.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
