"""The checks every circle page starts with, shared by the apps' views."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from leerkring import audit
from leerkring.models import Circle


def circle_from_url(request: HttpRequest, slug: str) -> Circle:
    """The circle in the URL, if the person belongs to it; a 404 otherwise, so nothing reveals
    that a circle exists to someone outside it."""
    return get_object_or_404(Circle.objects.visible_to(request.user), slug=slug)


def require(request: HttpRequest, permission: str, obj, circle: Circle) -> None:
    """Let the request through, or refuse with 403 and keep a record of the attempt."""
    if not request.user.has_perm(permission, obj):
        deny(request, permission, circle)


def deny(request: HttpRequest, permission: str, circle: Circle) -> None:
    """Refuse with 403 and keep a record of the attempt (a rule decided outside `has_perm`)."""
    audit.record(
        "permission.denied",
        actor=request.user,
        circle=circle,
        request=request,
        permission=permission,
        path=request.path,
    )
    raise PermissionDenied


def same_site_only(view):
    """For downloads that record who took what: a request another site started (a link or a
    script there, which the browser sends with the session cookie) is refused, so nobody can
    make a researcher export in their name. Browsers say where a request comes from in
    Sec-Fetch-Site; a request without it (a script, an old browser) is let through."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if request.headers.get("Sec-Fetch-Site") == "cross-site":
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
