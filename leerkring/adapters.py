from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import (
    AUTHENTICATION_METHODS_SESSION_KEY,
    get_authentication_records,
    record_authentication,
)
from django.conf import settings

from leerkring import services

# What allauth's own reauthentication accepts: the password and the second factor.
REAUTHENTICATING_METHODS = {"password", "mfa"}


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts come from invitations (and, for now, the administration): no open sign-up.
        return False

    def login(self, request, user) -> None:
        super().login(request, user)
        # allauth asks for the password again before account-sensitive pages (MFA set-up among
        # them) unless it was *re*-entered in the last ACCOUNT_REAUTHENTICATION_TIMEOUT seconds;
        # the login itself does not count. A researcher sent to MFA set-up straight after logging
        # in would type the password twice: the steps of this login count as recent instead.
        records = get_authentication_records(request, user)
        if any(record.get("method") in REAUTHENTICATING_METHODS for record in records):
            request.session[AUTHENTICATION_METHODS_SESSION_KEY] = [
                {**record, "reauthenticated": True}
                if record.get("method") in REAUTHENTICATING_METHODS
                else record
                for record in records
            ]

    def record_new_password(self, request, user) -> None:
        """A password chosen just now (accepting an invitation) is a password entry too: record
        it before the login, which then counts it as recent authentication."""
        record_authentication(request, user, method="password", email=user.email)

    def get_reset_password_from_key_url(self, key: str) -> str:
        return on_site(super().get_reset_password_from_key_url(key))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return on_site(super().get_email_confirmation_url(request, emailconfirmation))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's e-mail in the current language, then deliver it through the outbox."""
        # allauth builds some links in its mails (sign-up, password reset in "unknown account")
        # without an adapter hook, from the request's Host: every one goes to SITE_URL instead.
        context = {
            key: on_site(value)
            if key.endswith("_url") and isinstance(value, str) and value
            else value
            for key, value in context.items()
        }
        # Without django.contrib.sites allauth knows no site name; its greeting needs one.
        context = {
            **context,
            "current_site": SimpleNamespace(
                name="Leerkring", domain=urlsplit(settings.SITE_URL).netloc
            ),
        }
        message = self.render_mail(template_prefix, email, context)
        html_body = ""
        if message.content_subtype == "html":
            html_body = message.body
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html_body = content
        services.queue_email(
            to=email, subject=message.subject, body=message.body, html_body=html_body
        )


def on_site(url: str) -> str:
    """The same address on SITE_URL: a link in an e-mail never takes its scheme and host from
    the request, whose Host header the sender of the request chose."""
    parts = urlsplit(url)
    return settings.SITE_URL + urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
