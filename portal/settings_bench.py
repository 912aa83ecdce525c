"""Settings for the load benchmark (bench/run): production settings plus its probes.

Never used to serve people: it adds a do-nothing view at /bench/bare, an
X-Queries header on every response, lifts the per-person rate limits (every
simulated person comes from 127.0.0.1 and posts as fast as it can) and lets
cookies travel over plain HTTP on 127.0.0.1.
"""

from .settings import *  # noqa: F403
from .settings import MIDDLEWARE, REST_FRAMEWORK

BENCH_MODE = True
ROOT_URLCONF = "portal.bench_urls"
MIDDLEWARE = ["portal.bench.QueryCountMiddleware", *MIDDLEWARE]
CONSULTATIONS_COMMENT_RATE = None
ACCOUNT_RATE_LIMITS = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    # None switches a throttle off: with a huge rate DRF would keep a huge history per client.
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})),
}
PASSWORD_HASHERS = [
    "portal.bench.FastPBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
