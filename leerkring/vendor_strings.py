"""Strings from allauth and Django that our pages show, listed so `makemessages` keeps them in
our catalogue. There our Dutch overrides theirs (LOCALE_PATHS come first): their catalogues say
"u", "twee-factor-authenticatie" or miss a string, where the platform says "je" and uses one word
per concept. Never imported; the strings must stay exactly as the packages spell them."""

from django.utils.translation import gettext_noop as _
from django.utils.translation import ngettext_lazy

ALLAUTH = [
    # allauth.account.forms
    _("Remember Me"),
    _("New Password (again)"),
    _("You must type the same password each time."),
    # allauth.account.adapter: error messages
    _("The email address and/or password you specified are not correct."),
    _("Too many failed login attempts. Try again later."),
    _("Please type your current password."),
    _("Incorrect password."),
    _("Incorrect code."),
    _("You cannot remove your primary email address."),
    _("Your primary email address must be verified."),
    _("Be patient, you are sending too many requests."),
    # allauth.account.adapter: the ways to confirm it is you
    _("Use your password"),
    _("Use authenticator app or code"),
    # allauth.mfa
    _("Authenticator code"),
    _("You cannot add an email address to an account protected by two-factor authentication."),
    _("You cannot deactivate two-factor authentication."),
    _("You cannot generate recovery codes without having two-factor authentication enabled."),
    _("You cannot activate two-factor authentication until you have verified your email address."),
]

DJANGO = [
    # django.contrib.auth.password_validation: help texts say "Uw", and Django 5.2's error for
    # a short password has a new msgid its Dutch catalogue lacks.
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
    _("Your password can’t be too similar to your other personal information."),
    _("Your password can’t be a commonly used password."),
    _("Your password can’t be entirely numeric."),
]
