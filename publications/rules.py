"""Who may do what with publications: researchers and organisers compose, render and see every
edition; the circle's members read and download the final edition."""

import rules

from leerkring.access import can_view, is_planner
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
