"""Settings for the test suite: real PostgreSQL and real Redis, as in production.

`make test` (and plain `pytest`) use these. Override the services with DATABASE_URL and REDIS_URL.
"""

import os
import tempfile

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leerkring")
# A Redis database of its own: the suite clears it between tests.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
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
