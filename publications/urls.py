from django.urls import path

import leerkring.converters  # noqa: F401 - registers the strict converters used below
from publications import views

app_name = "publications"

urlpatterns = [
    path(
        "<slug:slug>/bijeenkomsten/<int:pk>/verslag-pdf/",
        views.meeting_report_render,
        name="meeting_report",
    ),
    path("<slug:slug>/documenten/<int:pk>/", views.job_detail, name="job"),
    path("<slug:slug>/documenten/<int:pk>/download/", views.job_download, name="job_download"),
    path("<slug:slug>/documenten/<int:pk>/opnieuw/", views.job_retry, name="job_retry"),
]
