"""Every main page at phone widths (390 and 320 px), as each kind of person sees it with the demo
data: nothing sticks out sideways (no horizontal scrolling, no element wider than the screen)
at either width, and axe finds nothing at 390 px.

Set PHONE_SCREENSHOTS=<folder> to keep a full-page screenshot of every page visited.
"""

import io
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from sessions.models import Meeting
from tests.browser.axe import violations
from tests.browser.phone import log_in, sideways_problems

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "demo-wachtwoord-1"
CIRCLE = "/kringen/ambtelijk-vakmanschap/"
PUBLIC = ["/", "/accounts/login/", "/toegankelijkheid/", "/accounts/password/reset/"]


def role_pages() -> dict[str, list[str]]:
    now = timezone.now()
    meetings = Meeting.objects.filter(circle__slug="ambtelijk-vakmanschap")
    # A past meeting has registrations, attendance, minutes and outcomes; the next one is open.
    past = meetings.filter(starts_at__lt=now).exclude(minutes="").order_by("-starts_at").first()
    upcoming = meetings.filter(starts_at__gte=now, cancelled_at=None).order_by("starts_at").first()
    past_url = f"{CIRCLE}bijeenkomsten/{past.pk}/"
    upcoming_url = f"{CIRCLE}bijeenkomsten/{upcoming.pk}/"
    return {
        "onderzoeker@example.org": [
            "/",
            CIRCLE,
            CIRCLE + "deelnemers/",
            CIRCLE + "gemeenten/GM0758/",
            CIRCLE + "gemeenten/GM0758/leden/",
            CIRCLE + "uitnodigen/",
            CIRCLE + "bijeenkomsten/",
            CIRCLE + "bijeenkomsten/plannen/",
            past_url,
            past_url + "aanmeldingen/",
            past_url + "aanwezigheid/",
            past_url + "agenda/",
            upcoming_url,
            CIRCLE + "logboek/",
            "/mijn-agenda/",
            "/accounts/email/",
            "/accounts/password/change/",
            "/accounts/2fa/",
            "/accounts/2fa/totp/activate/",
        ],
        "organisator@example.org": ["/", CIRCLE + "bijeenkomsten/nieuw/", upcoming_url],
        "ambtenaar@example.org": ["/", CIRCLE, CIRCLE + "bijeenkomsten/", upcoming_url],
        "contact.breda@example.org": ["/", CIRCLE + "gemeenten/GM0758/leden/"],
    }


WIDTHS = (390, 320)


def test_main_pages_fit_a_phone(browser, live_server, settings):
    settings.MFA_REQUIRED = False
    call_command("seed_demo", "--password", PASSWORD, stdout=io.StringIO())
    visits = [(None, PUBLIC), *role_pages().items()]
    shots = os.environ.get("PHONE_SCREENSHOTS")
    problems = []
    for email, paths in visits:
        # One context per person; each page is loaded at the widest phone width, then narrowed.
        context = browser.new_context(viewport={"width": WIDTHS[0], "height": 800}, locale="en-GB")
        page = context.new_page()
        if email:
            log_in(page, live_server.url, email, PASSWORD)
        for path in paths:
            page.set_viewport_size({"width": WIDTHS[0], "height": 800})
            response = page.goto(live_server.url + path)
            assert response.status == 200, f"{email} {path}"
            assert urlpath(page.url) == path, f"{email} {path} went to {page.url}"
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                where = f"{email or 'anonymous'} {path} at {width} px"
                if too_wide := sideways_problems(page):
                    problems.append(f"{where}: {too_wide}")
                # axe at the first width only: the markup is the same, and the CSS that
                # differs between phone widths is layout, which the overflow check covers.
                for v in violations(page) if width == WIDTHS[0] else []:
                    problems.append(f"{where}: axe {v['id']} at {v['nodes'][0]['target'][0]}")
                if shots:
                    name = re.sub(r"\W+", "_", f"{width}_{email or 'anon'}_{path}").strip("_")
                    page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=True)
        context.close()
    assert not problems, "\n".join(problems)


def urlpath(url: str) -> str:
    return "/" + url.split("/", 3)[3].split("?")[0]
