"""Who may do what with meetings. The circle roles come from the municipalities app."""

import rules

from municipalities.rules import is_circle_member, is_organiser, is_researcher
from municipalities.rules import is_coordinator as _is_coordinator

is_planner = is_researcher | is_organiser


@rules.predicate
def is_assignee(user, outcome) -> bool:
    return outcome is not None and outcome.assignee_id == user.pk


# obj: the meeting's circle for creating; the Meeting otherwise (it has circle_id)
rules.add_perm("meetings.view_meeting", is_circle_member)
rules.add_perm("meetings.register", is_circle_member)
rules.add_perm("meetings.add_meeting", is_planner)
rules.add_perm("meetings.change_meeting", is_planner)
# The registration list: planners see all; a coordinator sees their own municipality's people.
rules.add_perm("meetings.view_registrations", is_planner | _is_coordinator)
# obj: an Outcome (it has no circle_id of its own: its meeting's circle decides)
rules.add_perm("meetings.close_agreement", is_planner | is_assignee)
