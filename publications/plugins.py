"""What this app adds to the core's pages: the Publications tab and its audit events."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from leerkring.registry import CircleTab, registry
from publications import audit_events

APP = "publications"


def register() -> None:
    audit_events.register()
    registry.add_demo_seeder(APP, "publications.demo.seed", order=10)
    registry.add_tab(
        CircleTab(
            APP,
            "publications",
            _("Publication"),
            "publications:list",
            order=50,
            current_on=("publications:",),
        )
    )
