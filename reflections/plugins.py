"""What this app adds to the core's pages: the Reflections tab, the dashboard's writing section
and the latest shared reflections on a circle's overview."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from leerkring.registry import CircleTab, registry
from reflections import audit_events

APP = "reflections"
# The framework's pages keep its tab marked.
FRAMEWORK_PAGES = (
    "reflections:framework_edit",
    "reflections:framework_start",
    "reflections:framework_publish",
    "reflections:framework_compare",
)


def register() -> None:
    audit_events.register()
    # The framework first: the demo reflections are written against it.
    registry.add_demo_seeder(APP, "reflections.demo.seed_framework", order=10)
    registry.add_demo_seeder(APP, "reflections.demo.seed_reflections", order=20)
    registry.add_tab(
        CircleTab(
            APP,
            "framework",
            _("Framework"),
            "reflections:framework",
            order=40,
            current_on=FRAMEWORK_PAGES,
        )
    )
