"""Apps plug into the core through leerkring/registry.py: tabs, sections, demo data, beat."""

import re

import pytest
from django.urls import reverse

from leerkring.celery import app as celery_app
from leerkring.registry import registry

pytestmark = pytest.mark.django_db


def tabs_of(html: str) -> list[tuple[str, str | None]]:
    """(label, aria-current) of each circle tab on the page."""
    nav = html[html.index('class="subnav"') :]
    nav = nav[: nav.index("</nav>")]
    return [
        (label.strip(), current or None)
        for current, label in re.findall(
            r'<a href="[^"]+"(?: aria-current="(\w+)")?>([^<]+)</a>', nav
        )
    ]


def get(client, name, **kwargs) -> str:
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    return response.content.decode()


def test_every_circle_page_has_the_tabs_with_the_current_one_marked(as_role, world):
    client = as_role("researcher")
    slug = world.circle.slug
    assert tabs_of(get(client, "municipalities:circle", slug=slug)) == [
        ("Overzicht", "page"),
        ("Bijeenkomsten", None),
        ("Deelnemers", None),
        ("Reflecties", None),
        ("Werkbank", None),
        ("Kader", None),
        ("Publicatie", None),
        ("Logboek", None),
    ]
    # Below a tab the tab stays marked, as part of the way there rather than the page itself.
    meeting_page = get(client, "meetings:detail", slug=slug, pk=world.meeting.pk)
    assert ("Bijeenkomsten", "true") in tabs_of(meeting_page)
    municipality = get(client, "municipalities:municipality", slug=slug, cbs_code="GM0758")
    assert ("Deelnemers", "true") in tabs_of(municipality)
    assert ("Logboek", "page") in tabs_of(get(client, "municipalities:audit_log", slug=slug))
    # The workbench's pages keep its tab; search stays a page of Reflections (everyone searches).
    assert ("Werkbank", "page") in tabs_of(get(client, "reflections:analysis", slug=slug))
    assert ("Werkbank", "true") in tabs_of(get(client, "reflections:free_codes", slug=slug))
    assert ("Reflecties", "true") in tabs_of(get(client, "reflections:search", slug=slug))
    assert ("Publicatie", "page") in tabs_of(get(client, "publications:list", slug=slug))


def test_tabs_a_person_may_not_open_are_not_offered(as_role, world):
    html = get(as_role("participant"), "municipalities:circle", slug=world.circle.slug)
    assert [label for label, _current in tabs_of(html)] == [
        "Overzicht",
        "Bijeenkomsten",
        "Deelnemers",
        "Reflecties",
        "Kader",
        "Publicatie",  # the final edition, when there is one
    ]


def test_breadcrumbs_lead_all_the_way_down(as_role, world):
    html = get(
        as_role("researcher"), "meetings:attendance", slug=world.circle.slug, pk=world.meeting.pk
    )
    crumbs = html[html.index('class="breadcrumbs"') :]
    crumbs = crumbs[: crumbs.index("</nav>")]
    assert [
        reverse("home"),
        reverse("municipalities:circle", args=[world.circle.slug]),
        reverse("meetings:list", args=[world.circle.slug]),
        world.meeting.get_absolute_url(),
    ] == re.findall(r'<a href="([^"]+)"', crumbs)
    assert '<span aria-current="page">Aanwezigheid</span>' in crumbs


def test_overview_lists_the_upcoming_meetings(as_role, world):
    html = get(as_role("trainer"), "municipalities:circle", slug=world.circle.slug)
    assert world.meeting.get_absolute_url() in html
    assert "Komende bijeenkomsten" in html


def test_civil_servant_can_write_to_their_coordinator_and_the_researchers(as_role, world):
    html = get(as_role("participant"), "municipalities:circle", slug=world.circle.slug)
    contact = html[html.index('id="contact-heading"') :]
    contact = contact[: contact.index("</section>")]
    assert "mailto:coordinator@example.org" in contact
    assert "mailto:researcher@example.org" in contact
    # Not the coordinator of another municipality, nor the organiser's address.
    assert "other_coordinator@example.org" not in html
    assert "mailto:organiser@example.org" not in html


def test_the_trainer_sees_the_researchers_address_but_not_the_coordinators(as_role, world):
    html = get(as_role("trainer"), "municipalities:participants", slug=world.circle.slug)
    assert "mailto:researcher@example.org" in html
    assert "mailto:coordinator@example.org" not in html


def test_the_apps_periodic_tasks_reach_celery_beat_through_the_registry():
    assert celery_app.conf.beat_schedule["meeting-reminders"]["task"] == (
        "sessions.tasks.send_reminders"
    )
    assert "meeting-reminders" in registry.beat_schedule()


def test_demo_seeders_run_in_the_direction_of_dependency():
    modules = [seed.__module__ for seed in registry.demo_seeders()]
    assert modules == sorted(
        modules,
        key=["municipalities.demo", "sessions.demo", "reflections.demo", "publications.demo"].index,
    )


def test_dashboard_sections_come_from_the_apps():
    keys = {section.key for section in registry.dashboard_sections()}
    assert {"meetings", "agreements", "planning", "invitations", "recruitment"} <= keys
