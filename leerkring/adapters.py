from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from leerkring import services


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts come from invitations (and, for now, the administration): no open sign-up.
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's e-mail in the current language, then deliver it through the outbox."""
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
