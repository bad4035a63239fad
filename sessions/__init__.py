"""Meetings of a circle (app label `meetings`; `sessions` belongs to django.contrib.sessions).

Will hold Meeting (reflection meeting, conference, training module session), AgendaItem linked to
the circle's core questions, Registration with waitlist and attendance, minutes and structured
outcomes (challenges, solutions, agreements), reminders sent by Celery beat and calendar feeds.
"""
