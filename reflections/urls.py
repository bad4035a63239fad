from django.urls import path, register_converter

import leerkring.converters  # noqa: F401 - registers the strict converters used below
from reflections import (
    analysis_views,
    coding_views,
    export_views,
    framework_views,
    qda_views,
    search_views,
    views,
)

register_converter(analysis_views.FigureConverter, "figure")
register_converter(export_views.ExportFormatConverter, "export_format")

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
    path("<slug:slug>/reflecties/zoeken/", search_views.search, name="search"),
    path("<slug:slug>/reflecties/<int:pk>/", views.reflection_detail, name="detail"),
    path("<slug:slug>/reflecties/<int:pk>/bewerken/", views.reflection_edit, name="edit"),
    path("<slug:slug>/reflecties/<int:pk>/delen/", views.reflection_sharing, name="sharing"),
    path("<slug:slug>/reflecties/<int:pk>/reacties/", views.comment_add, name="comment_add"),
    # --- workbench: analysis ---
    path("<slug:slug>/werkbank/analyse/", analysis_views.analysis, name="analysis"),
    path(
        "<slug:slug>/werkbank/analyse/<figure:figure>.csv",
        analysis_views.analysis_csv,
        name="analysis_csv",
    ),
    # --- workbench: coding ---
    path("<slug:slug>/reflecties/<int:pk>/coderen/", coding_views.coding, name="coding"),
    path(
        "<slug:slug>/reflecties/<int:pk>/coderen/<int:passage>/verwijderen/",
        coding_views.coding_remove,
        name="coding_remove",
    ),
    path(
        "<slug:slug>/reflecties/<int:pk>/voorbeeldig/",
        coding_views.exemplary,
        name="exemplary",
    ),
    path("<slug:slug>/werkbank/codes/", coding_views.free_codes, name="free_codes"),
    path(
        "<slug:slug>/werkbank/codes/<int:pk>/opnemen/",
        coding_views.free_code_merge,
        name="free_code_merge",
    ),
    path(
        "<slug:slug>/werkbank/overeenstemming/",
        coding_views.agreement_page,
        name="agreement",
    ),
    # --- workbench: export ---
    path("<slug:slug>/werkbank/export/", export_views.export, name="export"),
    path(
        "<slug:slug>/werkbank/export/reflecties.<export_format:format>",
        export_views.export_download,
        name="export_download",
    ),
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
