"""The public edition's URLs, outside any circle: whoever opens them needs no account."""

from publications.urls import public_urlpatterns as urlpatterns

__all__ = ["urlpatterns"]
