from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from leerkring import health
from leerkring import services as core_services
from municipalities.models import Membership
from sessions.models import Meeting, Outcome


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard for people who are logged in; a short public page for everyone else."""
    if not request.user.is_authenticated:
        return render(request, "leerkring/public_home.html")
    return dashboard(request)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    # The roof of the project: it may gather from every app.
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("circle", "municipality")
        .order_by("-circle__start_date")
    )
    next_meeting = (
        Meeting.objects.visible_to(request.user)
        .upcoming()
        .filter(cancelled_at__isnull=True)
        .distinct()
        .first()
    )
    agreements = Outcome.objects.open_agreements().mine(request.user)
    return render(
        request,
        "leerkring/dashboard.html",
        {"memberships": memberships, "next_meeting": next_meeting, "agreements": agreements},
    )


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers the choice on the account: e-mails
    (reminders, notices) then reach the person in that language."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        core_services.set_language(request.user, language)
    return response


@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(
        request, "leerkring/accessibility.html", {"contact_email": settings.CONTACT_EMAIL}
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = health.run_checks()
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
    )
