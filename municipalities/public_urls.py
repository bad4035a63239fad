"""The invitation link's URLs, outside any circle: the person opening it has no account yet."""

from municipalities.urls import public_urlpatterns as urlpatterns

__all__ = ["urlpatterns"]
