"""Who may do what with meetings. The role predicates come from the core's access kit."""

import rules

from leerkring.access import can_view, is_circle_member, is_coordinator, is_planner
from sessions.models import Meeting, Outcome, Registration


@rules.predicate
def is_assignee(user, outcome) -> bool:
    return outcome is not None and outcome.assignee_id == user.pk


# obj: the meeting's circle for creating; the Meeting otherwise (it has circle_id)
# Seeing one object: derived from the same table as the model's `visible_to`.
rules.add_perm("meetings.view_meeting", can_view(Meeting))
rules.add_perm("meetings.view_outcome", can_view(Outcome))
rules.add_perm("meetings.view_registration", can_view(Registration))
rules.add_perm("meetings.register", is_circle_member)
rules.add_perm("meetings.add_meeting", is_planner)
rules.add_perm("meetings.change_meeting", is_planner)
# The registration list: planners see all; a coordinator sees their own municipality's people.
rules.add_perm("meetings.view_registrations", is_planner | is_coordinator)
# obj: an Outcome (it has no circle_id of its own: its meeting's circle decides)
rules.add_perm("meetings.close_agreement", is_planner | is_assignee)
