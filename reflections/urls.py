from django.urls import path, re_path

import leerkring.converters  # noqa: F401 - registers the strict converters used below
from reflections import export_views, framework_views, views

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
    # --- workbench: export ---
    path("<slug:slug>/werkbank/export/", export_views.export, name="export"),
    re_path(
        r"^(?P<slug>[-a-zA-Z0-9_]+)/werkbank/export/reflecties\.(?P<format>csv|json)$",
        export_views.export_download,
        name="export_download",
    ),
]
