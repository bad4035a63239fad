"""Signals for the apps below this one, which may react but may not be imported from here."""

from django.dispatch import Signal

# Sent after someone's role in a circle ended; kwargs: user, circle.
membership_removed = Signal()
