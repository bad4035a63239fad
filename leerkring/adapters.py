from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from leerkring import services


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts come from invitations (and, for now, the administration): no open sign-up.
        return False

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
