"""The platform's own 404 and 500 pages in development too.

With DEBUG on (as in `make run`) Django answers an unknown address with its technical page, which
lists every URL pattern of the platform, and an error with its yellow debug page. Someone trying
the demo should see the pages people will see; a developer who wants the technical pages sets
DEBUG_TECHNICAL_PAGES=true. Without DEBUG this does nothing: Django shows our pages already.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signals
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import Resolver404, get_resolver, get_urlconf, resolve
from django.utils.log import log_response


def _active() -> bool:
    return settings.DEBUG and not getattr(settings, "DEBUG_TECHNICAL_PAGES", False)


class ProjectErrorPagesMiddleware:
    """Last in MIDDLEWARE, so a 404 arises where it would without DEBUG: every other middleware
    (the session, the person, APPEND_SLASH's redirect) has had its turn."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _active():
            # An unknown address never reaches a view, so process_exception would not see it.
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as exc:
                return self._not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _active():
            return None
        if isinstance(exception, Http404):
            return self._not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return None  # Django's 403 handling does not depend on DEBUG
        if isinstance(exception, (BadRequest, SuspiciousOperation, MultiPartParserError)):
            # With DEBUG Django would answer these with its debug page (settings and all).
            response = get_resolver(get_urlconf()).resolve_error_handler(400)(
                request, exception=exception
            )
            log_response(
                "Bad request: %s",
                request.path,
                response=response,
                request=request,
                exception=exception,
            )
            return response
        try:
            response = get_resolver(get_urlconf()).resolve_error_handler(500)(request)
        except Exception:
            # Our own 500 page failed: leave the original error to Django's debug page.
            return None
        signals.got_request_exception.send(sender=None, request=request)
        # As Django logs an uncaught exception: level error, with its traceback.
        log_response(
            "%s: %s",
            response.reason_phrase,
            request.path,
            response=response,
            request=request,
            exception=exception,
        )
        return response

    @staticmethod
    def _not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
        handler = get_resolver(get_urlconf()).resolve_error_handler(404)
        return handler(request, exception=exception)
