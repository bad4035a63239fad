"""Where apps plug in: circle tabs, dashboard sections, demo data and beat entries.

The core imports no app. Each app fills this registry from its `AppConfig.ready()`, and the core's
pages, `seed_demo` and Celery beat read it, so a new app plugs in without editing `leerkring/`.
Entries come out in the order of INSTALLED_APPS (the direction of dependency), then by `order`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.urls import reverse
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from django.http import HttpRequest

    from leerkring.models import Circle


def _app_rank(app_label: str) -> int:
    labels = [config.label for config in apps.get_app_configs()]
    return labels.index(app_label) if app_label in labels else len(labels)


@dataclass(frozen=True)
class CircleTab:
    """One tab of a circle's pages.

    `url_name` takes the circle's slug as its only argument. The tab is current on every page
    whose view name is listed in `current_on` (or starts with one ending in ":"), so the pages
    below a tab (a meeting, a municipality) keep it marked.
    """

    app_label: str
    key: str
    label: Any  # a lazy translation
    url_name: str
    order: int = 100
    permission: str | None = None  # asked with the circle as object
    current_on: tuple[str, ...] = ()

    def url(self, circle: Circle) -> str:
        return reverse(self.url_name, args=[circle.slug])

    def is_current(self, view_name: str) -> bool:
        for pattern in (self.url_name, *self.current_on):
            if view_name == pattern or (pattern.endswith(":") and view_name.startswith(pattern)):
                return True
        return False


@dataclass(frozen=True)
class Section:
    """A part of a page that an app fills: `build(request, subject)` returns the context for
    `template`, or None when there is nothing for this person to do or see there.

    On the dashboard the subject is the list of the person's memberships (with their circles);
    on a circle's overview it is the circle."""

    app_label: str
    key: str
    template: str
    build: Callable[[HttpRequest, Any], dict | None]
    order: int = 100


@dataclass
class Registry:
    tabs: list[CircleTab] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    overview: list[Section] = field(default_factory=list)
    seeders: list[tuple[str, int, str]] = field(default_factory=list)
    beat: dict[str, tuple[str, dict]] = field(default_factory=dict)
    pages: dict[str, list[Section]] = field(default_factory=dict)

    # --- filled by apps -------------------------------------------------------------------
    def add_tab(self, tab: CircleTab) -> None:
        self.tabs = [t for t in self.tabs if t.key != tab.key] + [tab]

    def add_dashboard_section(self, section: Section) -> None:
        self.sections = [s for s in self.sections if s.key != section.key] + [section]

    def add_overview_section(self, section: Section) -> None:
        """A part of every circle's overview page (below the circle's own summary)."""
        self.overview = [s for s in self.overview if s.key != section.key] + [section]

    def add_page_section(self, page: str, section: Section) -> None:
        """A part of one object's page, named by its view ("meetings:detail"); the page's
        object is the subject. A higher app adds to a lower app's page this way (the meeting
        page's report as PDF) without the lower app knowing it."""
        sections = self.pages.setdefault(page, [])
        self.pages[page] = [s for s in sections if s.key != section.key] + [section]

    def add_demo_seeder(self, app_label: str, dotted_path: str, order: int = 100) -> None:
        """`dotted_path` names a function taking the DemoContext; run by `seed_demo`."""
        if all(path != dotted_path for _label, _order, path in self.seeders):
            self.seeders.append((app_label, order, dotted_path))

    def add_beat_entry(self, app_label: str, name: str, entry: dict) -> None:
        """A Celery beat entry, as in `beat_schedule` (task name, schedule, options).

        Handed to Celery at once: apps register in `ready()`, and both the worker's embedded
        beat and `celery beat` set Django up before their scheduler reads the schedule."""
        from leerkring.celery import app as celery_app

        self.beat[name] = (app_label, entry)
        celery_app.conf.beat_schedule[name] = entry

    # --- read by the core -----------------------------------------------------------------
    def circle_tabs(self) -> list[CircleTab]:
        return sorted(self.tabs, key=lambda t: (t.order, _app_rank(t.app_label)))

    def dashboard_sections(self) -> list[Section]:
        return sorted(self.sections, key=lambda s: (s.order, _app_rank(s.app_label)))

    def overview_sections(self) -> list[Section]:
        return sorted(self.overview, key=lambda s: (s.order, _app_rank(s.app_label)))

    def page_sections(self, page: str) -> list[Section]:
        return sorted(self.pages.get(page, []), key=lambda s: (s.order, _app_rank(s.app_label)))

    def demo_seeders(self) -> list[Callable]:
        ordered = sorted(self.seeders, key=lambda s: (_app_rank(s[0]), s[1]))
        return [import_string(path) for _label, _order, path in ordered]

    def beat_schedule(self) -> dict[str, dict]:
        return {name: entry for name, (_label, entry) in self.beat.items()}


registry = Registry()


def visible_tabs(request: HttpRequest, circle: Circle) -> list[dict]:
    """The circle's tabs this person may open, each with its URL and whether it is current."""
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    tabs = []
    for tab in registry.circle_tabs():
        if tab.permission and not request.user.has_perm(tab.permission, circle):
            continue
        tabs.append(
            {
                "key": tab.key,
                "label": tab.label,
                "url": tab.url(circle),
                "current": tab.is_current(view_name),
                "is_page": view_name == tab.url_name,
            }
        )
    return tabs


def render_sections(request: HttpRequest, sections: list[Section], subject) -> list[dict]:
    """Each section's template and context, leaving out those with nothing to show."""
    rendered = []
    for section in sections:
        context = section.build(request, subject)
        if context is not None:
            rendered.append({"key": section.key, "template": section.template, **context})
    return rendered
