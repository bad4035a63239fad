"""The personal calendar page and feed, outside any circle's address."""

from sessions.urls import personal_urlpatterns as urlpatterns

__all__ = ["urlpatterns"]
