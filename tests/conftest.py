import os

import psycopg
import pytest
import redis
from django.conf import settings

HOW_TO_START = {
    "postgres": "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) "
    "main start   (or point DATABASE_URL at a running server)",
    "redis": "start it with: redis-server --daemonize yes --port 6379 --save ''   "
    "(or point REDIS_URL at a running server)",
}


def _check_services() -> str | None:
    """Why the suite cannot run, in one line; None when PostgreSQL and Redis both answer."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        return (
            "The test suite needs PostgreSQL, but DATABASE_URL points at "
            f"{database['ENGINE'].rsplit('.', 1)[-1]}: set DATABASE_URL=postgres://…"
        )
    where = f"{database.get('HOST') or 'localhost'}:{database.get('PORT') or 5432}"
    try:
        psycopg.connect(
            dbname="postgres",
            user=database.get("USER") or None,
            password=database.get("PASSWORD") or None,
            host=database.get("HOST") or None,
            port=database.get("PORT") or None,
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0]
        return f"PostgreSQL is not reachable at {where} ({reason}); {HOW_TO_START['postgres']}"
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        return f"Redis is not reachable at {settings.REDIS_URL} ({exc}); {HOW_TO_START['redis']}"
    return None


def pytest_sessionstart(session: pytest.Session) -> None:
    problem = _check_services()
    if problem:
        pytest.exit(problem, returncode=3)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached values live in Redis: start every test from an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"
