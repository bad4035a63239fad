from django.urls import path

from publications import views

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
    path(ONE + "hoofdstukken/nieuw/", views.chapter_add, name="chapter_add"),
    path(CHAPTER, views.chapter_edit, name="chapter_edit"),
    path(CHAPTER + "verplaatsen/", views.chapter_move, name="chapter_move"),
    path(CHAPTER + "verwijderen/", views.chapter_delete, name="chapter_delete"),
    path(CHAPTER + "citaten/", views.anthology, name="anthology"),
    path(CHAPTER + "citaten/<int:quote>/", views.quote_change, name="quote_change"),
    path(ONE + "afbeeldingen/", views.image_add, name="image_add"),
    path(ONE + "afbeeldingen/<int:image>/", views.image, name="image"),
]
