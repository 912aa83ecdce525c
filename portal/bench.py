"""Pieces used only by the load benchmark (bench/run, settings module portal.settings_bench)."""

import time

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.http import HttpResponse


def bare(request):
    """The ceiling: a Django view that does nothing, behind the same middleware."""
    return HttpResponse("ok", content_type="text/plain")


class QueryCountMiddleware:
    """Adds X-Queries (SQL statements the request ran) and X-Server-Ms (its wall and CPU time).

    X-Server-Ms reads ``<wall> <cpu>`` in milliseconds, measured around the
    whole middleware stack in the worker's thread: what a request costs the
    server, apart from the time it waited for a worker.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0
        started, cpu_started = time.perf_counter(), time.thread_time()

        def counting(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counting):
            response = self.get_response(request)
        response["X-Queries"] = str(count)
        wall = (time.perf_counter() - started) * 1000
        cpu = (time.thread_time() - cpu_started) * 1000
        response["X-Server-Ms"] = f"{wall:.2f} {cpu:.2f}"
        return response


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """The benchmark's accounts sign in through the real form without a second of CPU each.

    Signing in is not a measured scenario, but twenty sign-ins at 1,000,000
    iterations would eat the window the scenario after them is measured in.
    """

    iterations = 1000
