"""Reflections on practice against the circle's framework.

Holds the framework in versions (roles from regulating to letting go, work practices, democratic
values; researchers edit a draft and publish it), the civil servants' reflections on their own
cases with visibility and consent for quotation, revisions after coding, the conversation with
the researchers, and the invitation to reflect after a meeting. Coding, search and analysis
(the researchers' workbench) come next.
"""
