from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_is_https(app_configs, **kwargs):
    """Links in e-mails (invitations) are built from SITE_URL: in production they must be https."""
    if settings.SITE_URL.startswith("https://"):
        return []
    return [
        Warning(
            f"SITE_URL is {settings.SITE_URL!r}: links in e-mails would not use https.",
            hint="Set SITE_URL to the platform's public https address.",
            id="leerkring.W001",
        )
    ]
