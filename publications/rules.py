"""Who may do what with publications: researchers and organisers compose, render and see every
edition; the circle's members read and download the final edition."""

import rules

from leerkring.access import can_view, is_coordinator, is_planner
from municipalities.models import Participation
from municipalities.rules import is_own_municipality
from publications.models import Chapter, Publication
from sessions.models import Meeting

# obj: the circle (creating, the list) or a Publication / Chapter (it leads to its circle)
rules.add_perm("publications.view_publication", can_view(Publication))
rules.add_perm("publications.view_chapter", can_view(Chapter))
rules.add_perm("publications.add_publication", is_planner)
rules.add_perm("publications.change_publication", is_planner)

# obj: the Meeting. Planners make the report; whoever sees the meeting reads it.
rules.add_perm("publications.render_meeting_report", is_planner)
rules.add_perm("publications.view_meeting_report", can_view(Meeting))

# obj: the Participation (a municipality in the circle). Planners and the municipality's own
# coordinator make the report; planners and the municipality's own members read it.
rules.add_perm(
    "publications.render_municipality_report", is_planner | (is_coordinator & is_own_municipality)
)
rules.add_perm(
    "publications.view_municipality_report",
    is_planner | (can_view(Participation) & is_own_municipality),
)
