from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from leerkring import health
from leerkring import services as core_services
from leerkring.registry import registry, render_sections


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard for people who are logged in; a short public page for everyone else."""
    if not request.user.is_authenticated:
        return render(request, "leerkring/public_home.html")
    return dashboard(request)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """What the person can do next, across their circles: each app adds its own tasks
    (registry sections), then the circles themselves."""
    memberships = list(
        request.user.memberships.select_related("circle", "municipality").order_by(
            "-circle__start_date", "circle__name"
        )
    )
    home_tab = registry.circle_tabs()[0] if registry.circle_tabs() else None
    circles = [
        {"membership": m, "circle": m.circle, "url": home_tab.url(m.circle) if home_tab else ""}
        for m in memberships
    ]
    return render(
        request,
        "leerkring/dashboard.html",
        {
            "circles": circles,
            "sections": render_sections(request, registry.dashboard_sections(), memberships),
        },
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


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check, in our layout. It is nearly always a page left open
    too long or cookies that are blocked, so the page says that and how to go on; the reason
    itself is for the log (Django records it under django.security.csrf)."""
    return render(request, "403_csrf.html", status=403)
