"""Reflections on practice against the framework.

Will hold Framework (roles from regulating to letting go, work practices, democratic values) in
published versions, Reflection by civil servants with visibility and consent, researchers' coding
and comments, full-text search (PostgreSQL `dutch` configuration) and analysis.
"""
