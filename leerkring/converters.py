"""Path converters as strict as the values they carry.

An address that cannot be one of ours is a 404 at the resolver, before any view or query sees
it: no NUL byte, no megabyte of text, reaches the database through a URL. The apps' URLconfs
import this module, which registers the converters once.
"""

from django.urls import register_converter


class CbsCodeConverter:
    """A municipality's CBS code: GM and four digits (ASCII only: \\d would take any script)."""

    regex = "GM[0-9]{4}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class InvitationTokenConverter:
    """An invitation link's token, as django.core.signing.dumps writes it: URL-safe base64 of
    the payload, a base62 timestamp and a URL-safe base64 signature, joined by colons
    (municipalities.services.make_token does not compress, so there is no leading dot). A real
    token is about 110-130 characters; the lower bound is loose so that a link a mail program
    cut short still gets the page that says the link does not work, rather than a bare 404."""

    regex = r"[A-Za-z0-9_:\-]{8,300}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class CalendarTokenConverter:
    """The personal calendar feed's secret: secrets.token_urlsafe(32), 43 URL-safe characters."""

    regex = r"[A-Za-z0-9_\-]{43}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CbsCodeConverter, "cbs")
register_converter(InvitationTokenConverter, "invitation_token")
register_converter(CalendarTokenConverter, "calendar_token")
