"""The roof of the project: gathers every app's URLs (by dotted string, so no import upward)."""

from django.contrib import admin
from django.urls import include, path

from leerkring import views

# The admin site (login through allauth, who may use it) is set up in leerkring/admin.py.

urlpatterns = [
    path("", views.home, name="home"),
    path("toegankelijkheid/", views.accessibility_statement, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("taal/", views.switch_language, name="set_language"),
    path("kringen/", include("municipalities.urls")),
    path("kringen/", include("sessions.urls")),
    path("kringen/", include("reflections.urls")),
    path("kringen/", include("publications.urls")),
    path("", include("sessions.personal_urls")),
    path("", include("municipalities.public_urls")),
    path("", include("publications.public_urls")),
    path("accounts/", include("allauth.urls")),
    path("beheer/", admin.site.urls),
]
