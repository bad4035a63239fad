"""Settings for the test suite: real PostgreSQL and real Redis, as in production.

`make test` (and plain `pytest`) use these. Override the services with DATABASE_URL and REDIS_URL.
`make test` runs the suite in two pytest-xdist workers: each has a test database of its own
(pytest-django's `_gw0`, `_gw1` suffix) and, below, a Redis database of its own.
"""

import os
import tempfile
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leerkring")
# A Redis database of its own: the suite clears it between tests.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")


def for_this_worker(url: str) -> str:
    """A Redis URL for this pytest-xdist worker: database N for gw0, N − 1 for gw1, and so on
    (wrapping within 0–15). The suite clears its database between tests, so two workers sharing
    one would clear each other's cache and broker queue. Unchanged outside xdist."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not url.startswith(("redis://", "rediss://")):
        return url
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(base - int(worker[2:])) % 16}"))


# In os.environ, so the broker (which defaults to REDIS_URL) and the subprocesses tests start
# use the worker's database too.
for _name in ("REDIS_URL", "CELERY_BROKER_URL"):
    if _name in os.environ:
        os.environ[_name] = for_this_worker(os.environ[_name])
os.environ.setdefault("SECRET_KEY", "tests-only-" + "k" * 60)
os.environ.setdefault("DEBUG", "false")
# Playwright's sync API runs an event loop in the test thread; the live server's ORM calls are
# safe here because each test has its own database state.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from leerkring.settings import *  # noqa: E402, F403

# The test client and the live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# Rendered PDFs of the tests go to a directory of their own, never the developer's data/.
PRIVATE_ROOT = Path(tempfile.mkdtemp(prefix="leerkring-private-"))  # noqa: F405
STORAGES["private"]["OPTIONS"]["location"] = PRIVATE_ROOT  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run in the test process when their transaction commits; one test runs a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
