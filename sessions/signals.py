"""Signals for the apps below this one, which may react but may not be imported from here."""

from django.dispatch import Signal

# Sent after the commit that saved a meeting's minutes or recorded its attendance: the moment
# to ask those who were there to reflect on it. kwargs: meeting_id.
meeting_wrapped_up = Signal()
