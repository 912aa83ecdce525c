"""Container health check: exit 0 when /healthz answers 200, 1 otherwise.

Used by docker-compose.yml (`python deploy/healthcheck.py`). It sends the
first ALLOWED_HOSTS entry as the Host header, so Django's host validation
accepts the request, and needs nothing beyond the standard library.
"""

import os
import sys
import urllib.error
import urllib.request


def host_header(allowed_hosts: str) -> str:
    """A host name Django will accept, taken from an ALLOWED_HOSTS value."""
    first = allowed_hosts.split(",")[0].strip()
    # ".example.org" allows example.org itself; "*" allows anything.
    return first.lstrip(".").replace("*", "") or "localhost"


def check(url: str, host: str, timeout: float = 5.0) -> bool:
    if not url.startswith(("http://", "https://")):
        raise ValueError("The health check URL must be http or https.")
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url, headers={"Host": host, "X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status == 200
    except (urllib.error.URLError, OSError) as error:
        print(f"health check failed: {error}", file=sys.stderr)
        return False


def main() -> int:
    url = os.environ.get("HEALTHCHECK_URL", "http://127.0.0.1:8000/healthz")
    host = host_header(os.environ.get("ALLOWED_HOSTS", "localhost"))
    return 0 if check(url, host) else 1


if __name__ == "__main__":
    sys.exit(main())
