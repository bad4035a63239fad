from django.urls import path

import leerkring.converters  # noqa: F401 - registers the strict converters used below
from reflections import coding_views, framework_views, views

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
]
