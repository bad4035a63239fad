from django.urls import path

import leerkring.converters  # noqa: F401 - registers the strict converters used below
from municipalities import views

app_name = "municipalities"

urlpatterns = [
    path("<slug:slug>/", views.circle_detail, name="circle"),
    path("<slug:slug>/bewerken/", views.circle_edit, name="circle_edit"),
    path("<slug:slug>/deelnemers/", views.participants, name="participants"),
    path("<slug:slug>/logboek/", views.audit_log, name="audit_log"),
    path("<slug:slug>/gemeenten/toevoegen/", views.participation_add, name="participation_add"),
    path("<slug:slug>/gemeenten/nieuw/", views.municipality_new, name="municipality_new"),
    path("<slug:slug>/gemeenten/<cbs:cbs_code>/", views.municipality_detail, name="municipality"),
    path(
        "<slug:slug>/gemeenten/<cbs:cbs_code>/bewerken/",
        views.municipality_edit,
        name="municipality_edit",
    ),
    path(
        "<slug:slug>/gemeenten/<cbs:cbs_code>/status/",
        views.participation_status,
        name="participation_status",
    ),
    path("<slug:slug>/gemeenten/<cbs:cbs_code>/intake/", views.intake_notes, name="intake_notes"),
    path("<slug:slug>/gemeenten/<cbs:cbs_code>/leden/", views.members, name="members"),
    path(
        "<slug:slug>/gemeenten/<cbs:cbs_code>/uitnodigen/",
        views.invite_to_municipality,
        name="invite_to_municipality",
    ),
    path("<slug:slug>/uitnodigen/", views.invite, name="invite"),
    path(
        "<slug:slug>/uitnodigingen/<int:pk>/opnieuw/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "<slug:slug>/uitnodigingen/<int:pk>/intrekken/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("<slug:slug>/leden/<int:pk>/verwijderen/", views.membership_remove, name="member_remove"),
]

# The link in the e-mail: no circle in the address, no account needed to open it.
public_urlpatterns = [
    path(
        "uitnodiging/<invitation_token:token>/", views.invitation_accept, name="invitation_accept"
    ),
    path(
        "uitnodiging/<invitation_token:token>/nieuwe-link/",
        views.invitation_renew,
        name="invitation_renew",
    ),
]
