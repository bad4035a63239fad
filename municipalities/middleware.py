from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from municipalities.models import Role
from municipalities.rules import memberships_of

# Roles that see personal data of many people: their accounts need a second factor.
MFA_ROLES = (Role.RESEARCHER, Role.ORGANISER)
# What someone without MFA may still reach: setting it up, logging out, and public pages.
ALLOWED_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/static/",
    "/taal/",
    "/toegankelijkheid/",
    "/healthz",
)


def requires_mfa(user) -> bool:
    # memberships_of is cached on the user: the permission checks later reuse this query.
    return user.is_staff or any(
        membership.role in MFA_ROLES for membership in memberships_of(user).values()
    )


class RequireMFAMiddleware:
    """Researchers, organisers and staff must set up TOTP before using any other page.

    On unless MFA_REQUIRED is false (`make run` switches it off for the demo and says so).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.MFA_REQUIRED and self._must_set_up(request):
            messages.warning(
                request,
                _(
                    "Your role requires two-factor authentication. Set up an authenticator app "
                    "to continue."
                ),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _must_set_up(self, request) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        if request.path.startswith(ALLOWED_PREFIXES) or not requires_mfa(user):
            return False
        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
