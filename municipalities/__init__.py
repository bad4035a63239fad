"""Municipalities and people in a circle.

Will hold Municipality (CBS code GM0000), Participation (a municipality's recruitment status in a
circle, with intake notes and dated history), Membership (a person's role in a circle: researcher,
organiser, municipal coordinator, civil servant, trainer) and invitations, plus the permission
predicates that every later app builds on.
"""
