"""Who may render and read the documents of this app."""

import rules

from leerkring.access import can_view, is_planner
from sessions.models import Meeting

# obj: the Meeting. Planners make the report; whoever sees the meeting reads it.
rules.add_perm("publications.render_meeting_report", is_planner)
rules.add_perm("publications.view_meeting_report", can_view(Meeting))
