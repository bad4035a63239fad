"""Render jobs: start one (POST), watch it (the job page, polled by htmx), download its PDF
(every version), retry a failed one. The circle comes from the URL (404 for non-members); the
document's kind says who may render and read it (403, recorded)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from leerkring.middleware import add_private_no_store
from leerkring.models import Circle
from leerkring.permissions import circle_from_url, deny, require, same_site_only
from municipalities.models import Participation
from publications import documents, meeting_report, municipality_report, services
from publications.models import RenderJob
from sessions.models import Meeting


def _job(request: HttpRequest, slug: str, pk: int):
    circle = circle_from_url(request, slug)
    job = get_object_or_404(RenderJob.objects.visible_to(request.user), circle=circle, pk=pk)
    kind = documents.get(job.kind)
    target = get_object_or_404(kind.model._default_manager, pk=job.target_id)
    require(request, kind.read_permission, target, circle)
    if not kind.readable(request.user, target, job):
        deny(request, kind.read_permission, circle)
    return circle, job, kind, target


def started_page(request: HttpRequest, circle: Circle, job: RenderJob, created: bool):
    if not created:
        messages.info(
            request,
            _("This content has been rendered already: here is that PDF.")
            if job.is_done
            else _("This content is being rendered already."),
        )
    return redirect("publications:job", circle.slug, job.pk)


@login_required
@require_POST
def meeting_report_render(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = circle_from_url(request, slug)
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).distinct(), circle=circle, pk=pk
    )
    require(request, "publications.render_meeting_report", meeting, circle)
    job, created = services.start_render(meeting_report.KIND, meeting, request.user)
    return started_page(request, circle, job, created)


@login_required
@require_POST
def municipality_report_render(request: HttpRequest, slug: str, cbs_code: str) -> HttpResponse:
    circle = circle_from_url(request, slug)
    participation = get_object_or_404(
        Participation.objects.visible_to(request.user).select_related("circle", "municipality"),
        circle=circle,
        municipality__cbs_code=cbs_code,
    )
    require(request, "publications.render_municipality_report", participation, circle)
    job, created = services.start_render(municipality_report.KIND, participation, request.user)
    return started_page(request, circle, job, created)


@login_required
@require_GET
def job_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle, job, kind, target = _job(request, slug, pk)
    context = {
        "circle": circle,
        "job": job,
        "target": target,
        "title": kind.title(target),
        "target_url": kind.page(target),
        "can_render": request.user.has_perm(kind.render_permission, target),
    }
    if request.htmx:
        return render(request, "publications/_job_status.html", context)
    context["versions"] = [
        version
        for version in RenderJob.objects.of(kind.key, target).select_related("created_by")
        if kind.readable(request.user, target, version)
    ]
    return render(request, "publications/job_detail.html", context)


@login_required
@require_GET
@same_site_only
def job_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    circle, job, kind, target = _job(request, slug, pk)
    if not job.is_done:
        raise Http404
    services.record_download(request, job)
    response = FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=kind.filename(target, job),
        content_type="application/pdf",
    )
    return add_private_no_store(response)


@login_required
@require_POST
def job_retry(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Render the job's document again from its current content (a failed render is not
    counted, so this is the retry; unchanged content that rendered well gives that job)."""
    circle, job, kind, target = _job(request, slug, pk)
    require(request, kind.render_permission, target, circle)
    new_job, created = services.start_render(kind.key, target, request.user)
    return started_page(request, circle, new_job, created)
