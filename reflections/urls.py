from django.urls import path

import leerkring.converters  # noqa: F401 - registers the strict converters used below
from reflections import framework_views, qda_views, views

app_name = "reflections"

urlpatterns = [
    path("<slug:slug>/kader/", framework_views.framework, name="framework"),
    path("<slug:slug>/kader/concept/", framework_views.framework_edit, name="framework_edit"),
    path(
        "<slug:slug>/kader/concept/starten/",
        framework_views.framework_start,
        name="framework_start",
    ),
    path(
        "<slug:slug>/kader/concept/publiceren/",
        framework_views.framework_publish,
        name="framework_publish",
    ),
    path(
        "<slug:slug>/kader/vergelijken/",
        framework_views.framework_compare,
        name="framework_compare",
    ),
    path("<slug:slug>/reflecties/", views.reflection_list, name="list"),
    path("<slug:slug>/reflecties/nieuw/", views.reflection_edit, name="new"),
    path("<slug:slug>/reflecties/<int:pk>/", views.reflection_detail, name="detail"),
    path("<slug:slug>/reflecties/<int:pk>/bewerken/", views.reflection_edit, name="edit"),
    path("<slug:slug>/reflecties/<int:pk>/delen/", views.reflection_sharing, name="sharing"),
    path("<slug:slug>/reflecties/<int:pk>/reacties/", views.comment_add, name="comment_add"),
    # --- workbench: qda ---
    path(
        "<slug:slug>/werkbank/export/project.qdpx",
        qda_views.export_qdpx,
        name="export_qdpx",
    ),
    path(
        "<slug:slug>/werkbank/export/codeboek.qdc",
        qda_views.export_qdc,
        name="export_qdc",
    ),
    path(
        "<slug:slug>/kader/concept/importeren/",
        qda_views.framework_import,
        name="framework_import",
    ),
]
