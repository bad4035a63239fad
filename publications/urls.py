from django.urls import path

import leerkring.converters  # noqa: F401 - registers the strict converters used below
from publications import job_views, views

app_name = "publications"

BASE = "<slug:slug>/publicaties/"
ONE = BASE + "<int:pk>/"
CHAPTER = ONE + "hoofdstukken/<int:chapter>/"

urlpatterns = [
    path(BASE, views.publication_list, name="list"),
    path(BASE + "nieuw/", views.publication_create, name="create"),
    path(ONE, views.publication_detail, name="detail"),
    path(ONE + "bewerken/", views.publication_edit, name="edit"),
    path(ONE + "status/", views.status, name="status"),
    path(ONE + "lezen/", views.read, name="read"),
    path(ONE + "openbaar/", views.public_toggle, name="public_toggle"),
    path(ONE + "hoofdstukken/nieuw/", views.chapter_add, name="chapter_add"),
    path(CHAPTER, views.chapter_edit, name="chapter_edit"),
    path(CHAPTER + "verplaatsen/", views.chapter_move, name="chapter_move"),
    path(CHAPTER + "verwijderen/", views.chapter_delete, name="chapter_delete"),
    path(CHAPTER + "citaten/", views.anthology, name="anthology"),
    path(CHAPTER + "citaten/<int:quote>/", views.quote_change, name="quote_change"),
    path(ONE + "afbeeldingen/", views.image_add, name="image_add"),
    path(ONE + "afbeeldingen/<int:image>/", views.image, name="image"),
    path(
        "<slug:slug>/bijeenkomsten/<int:pk>/verslag-pdf/",
        job_views.meeting_report_render,
        name="meeting_report",
    ),
    path(
        "<slug:slug>/gemeenten/<cbs:cbs_code>/rapport-pdf/",
        job_views.municipality_report_render,
        name="municipality_report",
    ),
    path(ONE + "pdf/", views.publication_render, name="render"),
    path("<slug:slug>/documenten/<int:pk>/", job_views.job_detail, name="job"),
    path("<slug:slug>/documenten/<int:pk>/download/", job_views.job_download, name="job_download"),
    path("<slug:slug>/documenten/<int:pk>/opnieuw/", job_views.job_retry, name="job_retry"),
]

# The public edition, outside `kringen/`: no account needed (publications/public_urls.py).
PUBLIC = "openbaar/<slug:slug>/<int:pk>/"
public_urlpatterns = [
    path(PUBLIC, views.public_read, name="publication_public"),
    path(PUBLIC + "pdf/", views.public_pdf, name="publication_public_pdf"),
    path(PUBLIC + "afbeeldingen/<int:image>/", views.public_image, name="publication_public_image"),
]
