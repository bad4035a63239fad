"""The render task: one job id in, the job's row says what to do (publications.services)."""

from celery import Task, shared_task
from django.conf import settings

from publications import services


class RenderTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Called in the worker's main process when the hard time limit killed the child (the
        # task's own code never ran its except clause), and for anything run_render let out.
        if args:
            services.fail(args[0], services.readable_error(exc))


@shared_task(
    base=RenderTask,
    soft_time_limit=settings.RENDER_SOFT_TIME_LIMIT,
    time_limit=settings.RENDER_TIME_LIMIT,
    acks_late=True,
    # A worker lost mid-render (killed for memory, restarted) puts the task back; run_render
    # then tries once more or ends the job as failed (services.MAX_ATTEMPTS).
    reject_on_worker_lost=True,
)
def render_document(job_id: int) -> None:
    services.run_render(job_id)
