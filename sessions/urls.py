from django.urls import path

import leerkring.converters  # noqa: F401 - registers the strict converters used below
from sessions import views

app_name = "meetings"

urlpatterns = [
    path("<slug:slug>/bijeenkomsten/", views.meeting_list, name="list"),
    path("<slug:slug>/bijeenkomsten/nieuw/", views.meeting_edit, name="create"),
    path("<slug:slug>/bijeenkomsten/plannen/", views.plan_series, name="plan_series"),
    path("<slug:slug>/bijeenkomsten/<int:pk>/", views.meeting_detail, name="detail"),
    path("<slug:slug>/bijeenkomsten/<int:pk>/bewerken/", views.meeting_edit, name="edit"),
    path("<slug:slug>/bijeenkomsten/<int:pk>/annuleren/", views.meeting_cancel, name="cancel"),
    path("<slug:slug>/bijeenkomsten/<int:pk>/agenda/", views.agenda, name="agenda"),
    path(
        "<slug:slug>/bijeenkomsten/<int:pk>/agenda/<int:item>/",
        views.agenda_item,
        name="agenda_item",
    ),
    path(
        "<slug:slug>/bijeenkomsten/<int:pk>/agenda/<int:item>/bewerken/",
        views.agenda_item_edit,
        name="agenda_item_edit",
    ),
    path(
        "<slug:slug>/bijeenkomsten/<int:pk>/agenda/<int:item>/verwijderen/",
        views.agenda_item_remove,
        name="agenda_item_remove",
    ),
    path("<slug:slug>/bijeenkomsten/<int:pk>/aanmelden/", views.register, name="register"),
    path("<slug:slug>/bijeenkomsten/<int:pk>/afmelden/", views.unregister, name="unregister"),
    path(
        "<slug:slug>/bijeenkomsten/<int:pk>/aanmeldingen/",
        views.registrations,
        name="registrations",
    ),
    path(
        "<slug:slug>/bijeenkomsten/<int:pk>/aanmeldingen.csv",
        views.registrations_csv,
        name="registrations_csv",
    ),
    path("<slug:slug>/bijeenkomsten/<int:pk>/aanwezigheid/", views.attendance, name="attendance"),
    path("<slug:slug>/bijeenkomsten/<int:pk>/verslag/", views.minutes, name="minutes"),
    path("<slug:slug>/bijeenkomsten/<int:pk>/uitkomsten/", views.outcome_add, name="outcome_add"),
    path(
        "<slug:slug>/bijeenkomsten/<int:pk>/uitkomsten/<int:outcome>/bewerken/",
        views.outcome_edit,
        name="outcome_edit",
    ),
    path(
        "<slug:slug>/bijeenkomsten/<int:pk>/uitkomsten/<int:outcome>/verwijderen/",
        views.outcome_remove,
        name="outcome_remove",
    ),
    path("<slug:slug>/bijeenkomsten/<int:pk>/agenda.ics", views.meeting_ics, name="ics"),
    path("<slug:slug>/afspraken/<int:pk>/afgerond/", views.agreement_done, name="agreement_done"),
]

# Outside any circle: the person's own calendar page and their feed (which needs no login).
personal_urlpatterns = [
    path("mijn-agenda/", views.my_calendar, name="my_calendar"),
    path("mijn-agenda/nieuw-adres/", views.calendar_new_address, name="calendar_new_address"),
    path("agenda/<calendar_token:token>.ics", views.calendar_feed, name="calendar_feed"),
]
