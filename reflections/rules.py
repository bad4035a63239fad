"""Who may do what with the framework and reflections.

Seeing comes from the scope tables in reflections/querysets.py (the same that `visible_to`
uses); writing, editing and commenting are decided here."""

import rules

from leerkring.access import can_view, has_role, is_researcher
from leerkring.roles import Role
from reflections.models import Comment, Framework, FreeCode, Passage, Reflection, Revision

# The roles that write reflections about their own practice (DESIGN.md: C, A, T).
may_write = has_role(Role.COORDINATOR, Role.PARTICIPANT, Role.TRAINER)


@rules.predicate
def is_author(user, reflection) -> bool:
    return reflection is not None and reflection.author_id == user.pk


rules.add_perm("reflections.view_framework", can_view(Framework))
rules.add_perm("reflections.view_reflection", can_view(Reflection))
rules.add_perm("reflections.view_comment", can_view(Comment))
rules.add_perm("reflections.view_revision", can_view(Revision))
# obj: the circle
rules.add_perm("reflections.change_framework", is_researcher)
rules.add_perm("reflections.add_reflection", may_write)
# obj: the reflection
rules.add_perm("reflections.change_reflection", is_author)
rules.add_perm("reflections.add_comment", can_view(Reflection) & (is_author | is_researcher))
rules.add_perm("reflections.view_passage", can_view(Passage))
rules.add_perm("reflections.view_freecode", can_view(FreeCode))
# obj: the reflection (or, for free codes, the circle)
rules.add_perm("reflections.code_reflection", can_view(Reflection) & is_researcher)
rules.add_perm("reflections.change_freecode", is_researcher)
rules.add_perm("reflections.export_reflections", is_researcher)
rules.add_perm("reflections.analyse_reflections", is_researcher)
