import datetime

import pytest
from django.utils import timezone

from leerkring.markdown import render_markdown
from tests.factories import AgendaItemFactory, OutcomeFactory, RegistrationFactory, UserFactory
from tests.municipalities.conftest import as_role, world  # noqa: F401 - the same cast as the municipalities tests

MINUTES = """## Opening

De voorzitter heet iedereen welkom in **Breda**.

## Casus uitdaagrecht

- Het buurtinitiatief wil het groenonderhoud overnemen.
- De gemeente *faciliteert* met een budget.
"""


@pytest.fixture
def report_meeting(world):  # noqa: F811 - the fixture imported above
    """The world's meeting, held last week, with an agenda, attendance, minutes and outcomes."""
    meeting = world.meeting
    meeting.starts_at = timezone.now() - datetime.timedelta(days=7)
    meeting.ends_at = meeting.starts_at + datetime.timedelta(hours=3)
    meeting.minutes = MINUTES
    meeting.minutes_html = render_markdown(MINUTES)
    meeting.save()
    AgendaItemFactory(meeting=meeting, position=3, title="Terugblik op de casus", presenter="Els")
    for attended in (True, True, False):
        RegistrationFactory(meeting=meeting, user=UserFactory(), attended=attended)
    RegistrationFactory(meeting=meeting, user=UserFactory(), status="waitlist")
    OutcomeFactory(meeting=meeting, kind="challenge", text="Regels botsen met maatwerk")
    OutcomeFactory(meeting=meeting, kind="solution", text="Een vast aanspreekpunt per wijk")
    return meeting
