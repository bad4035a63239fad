"""The roles a person can have in a circle. They live in the core so that every app, and the
access kit in leerkring/access.py, can name them without importing the app that stores
memberships (municipalities)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESEARCHER = "researcher", _("researcher")
    ORGANISER = "organiser", _("organiser")
    COORDINATOR = "coordinator", _("municipal coordinator")
    PARTICIPANT = "participant", _("civil servant")
    TRAINER = "trainer", _("trainer")


# Roles that belong to one municipality in the circle.
MUNICIPAL_ROLES = (Role.COORDINATOR, Role.PARTICIPANT)
# Roles that plan and run the circle's meetings.
PLANNERS = (Role.RESEARCHER, Role.ORGANISER)
