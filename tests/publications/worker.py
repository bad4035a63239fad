"""A real Celery worker for the tests that consumes only the `renders` queue."""

from contextlib import contextmanager

from celery.contrib.testing.worker import start_worker

from leerkring.celery import app as celery_app


@contextmanager
def renders_worker():
    """Tasks go through the broker (not eagerly) while it runs. A worker started with queues
    narrows the app's own list of queues to consume from (kombu's `Queues.select`); that is put
    back afterwards, or a later test's worker would listen to `renders` only."""
    queues = celery_app.amqp.queues
    consume_from = queues._consume_from
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(
            celery_app,
            pool="solo",
            queues=["renders"],
            perform_ping_check=False,
            shutdown_timeout=20,
        ) as worker:
            yield worker
    finally:
        celery_app.conf.task_always_eager = True
        queues._consume_from = consume_from
