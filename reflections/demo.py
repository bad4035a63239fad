"""Demo data of the reflections app: the framework of both demo circles, and reflections."""

from __future__ import annotations

from leerkring.demo import COURSE_SLUG, FIRST_CIRCLE_SLUG, DemoContext
from leerkring.models import Circle, User
from reflections import services

# --- The framework ---


def seed_framework(context: DemoContext) -> None:
    """The seeds' framework, version 1, in both demo circles; a circle that has one keeps it."""
    researcher = User.objects.filter(email="onderzoeker@example.org").first()
    for circle in Circle.objects.filter(slug__in=[FIRST_CIRCLE_SLUG, COURSE_SLUG]):
        services.install_default_framework(circle, by=researcher)
