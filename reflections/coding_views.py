"""The researchers' coding: a reflection's text with every researcher's passages, the coding
form, exemplary marks, free codes and the agreement between coders. Researchers only; who may
read the reflection but not code it gets 403, who may not read it 404."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leerkring import audit
from leerkring.models import User
from leerkring.permissions import circle_from_url, require
from reflections import agreement, services
from reflections.coding import applied_codes, highlighted
from reflections.coding_forms import CodingForm, FreeCodeForm, MergeForm, sentence_field_name
from reflections.models import (
    FreeCode,
    Passage,
    PassageCode,
    Practice,
    Reflection,
    Revision,
    Role,
    Value,
)
from reflections.workbench import code_choices as circle_code_choices

GET_POST = require_http_methods(["GET", "POST"])
# How much of an older revision's text is shown around a passage made on it.
SNIPPET_CONTEXT = 80


def _codeable(request: HttpRequest, slug: str, pk: int) -> tuple:
    circle = circle_from_url(request, slug)
    reflection = get_object_or_404(
        Reflection.objects.visible_to(request.user)
        .submitted()
        .select_related("framework", "primary_role"),
        circle=circle,
        pk=pk,
    )
    require(request, "reflections.code_reflection", reflection, circle)
    return circle, reflection


def _label(name: str) -> str:
    return str(Reflection._meta.get_field(name).verbose_name).capitalize() if name else ""


def _code_choices(reflection: Reflection) -> dict[str, list[tuple[str, str]]]:
    """The codes a passage of this reflection can carry: the elements of the framework version
    it was written against, the circle's core questions and free codes."""
    framework = reflection.framework_id

    def elements(model, kind):
        rows = model.objects.filter(framework_id=framework).order_by("position")
        return [(f"{kind}:{e.code}", e.name) for e in rows]

    return {
        "roles": elements(Role, "role"),
        "practices": elements(Practice, "practice"),
        "values": elements(Value, "value"),
        "questions": [
            (f"question:{q.number}", f"{q.number}. {q.text}")
            for q in reflection.circle.core_questions.order_by("number")
        ],
        "free": [
            (f"free:{code.pk}", code.name)
            for code in FreeCode.objects.filter(circle_id=reflection.circle_id).order_by("name")
        ],
    }


def _current_texts(reflection: Reflection) -> dict[str, str]:
    texts = {name: services.canonical(getattr(reflection, name)) for name in services.TEXT_FIELDS}
    return {name: text for name, text in texts.items() if text}


def _passages(request: HttpRequest, reflection: Reflection, revisions: dict) -> list[Passage]:
    """Every researcher's passages on the reflection, with their codes: two queries, however
    many there are. Each gets its revision from `revisions` (loaded once, not per passage)."""
    codes = PassageCode.objects.select_related(
        "role", "practice", "value", "core_question", "free_code"
    ).order_by("kind", "pk")
    passages = list(
        Passage.objects.visible_to(request.user)
        .filter(reflection=reflection)
        .select_related("coder")
        .prefetch_related(Prefetch("codes", queryset=codes))
        .order_by("created_at", "pk")
    )
    for passage in passages:
        passage.revision = revisions[passage.revision_id]
        passage.field_label = _label(passage.field)
        passage.code_list = list(passage.codes.all())
    return passages


def _text_of(revision: Revision | None, reflection: Reflection, field: str) -> str:
    if revision is None:
        return services.canonical(getattr(reflection, field))
    return revision.content.get(field) or ""


def _snippet(text: str, passage: Passage) -> dict:
    """The passage in a bit of its surrounding text, highlighted, for a list of passages."""
    start = max(0, passage.start - SNIPPET_CONTEXT)
    end = min(len(text), passage.end + SNIPPET_CONTEXT)
    piece = text[start:end]
    return {
        "html": highlighted(piece, [(passage.start - start, passage.end - start, passage.pk)]),
        "before": start > 0,
        "after": end < len(text),
        "quote": text[passage.start : passage.end],
    }


def _pairwise(passages: list[Passage]) -> list[dict]:
    """Per pair of researchers who coded this reflection, which codes both applied and which
    only one of them did (anywhere in the reflection, any revision)."""
    applied: dict[int, set[str]] = defaultdict(set)
    coders: dict[int, User] = {}
    labels: dict[str, str] = {}
    for passage in passages:
        coders[passage.coder_id] = passage.coder
        for code in passage.code_list:
            applied[passage.coder_id].add(code.key)
            labels[code.key] = str(code.target)
    if len(coders) < 2:
        return []
    order = sorted(coders, key=lambda pk: (coders[pk].name, pk))
    return [
        {
            "a": coders[a],
            "b": coders[b],
            "agreed": [labels[k] for k in agreed],
            "only_a": [labels[k] for k in only_a],
            "only_b": [labels[k] for k in only_b],
        }
        for a, b, agreed, only_a, only_b in agreement.reflection_agreement(
            {pk: applied[pk] for pk in order}, order=order
        )
    ]


def _shown_revision(request: HttpRequest, revisions: list[Revision], reflection: Reflection):
    """The revision asked for with ?revisie=N, or None for the current text (also when N is
    the revision of the current version)."""
    asked = request.GET.get("revisie")
    if asked is None:
        return None
    if not (asked.isascii() and asked.isdigit() and len(asked) < 9):
        raise Http404
    revision = next((r for r in revisions if r.number == int(asked)), None)
    if revision is None:
        raise Http404
    if revision.reflection_version == reflection.version:
        return None
    return revision


@login_required
@GET_POST
def coding(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The reflection's text, field by field, with every researcher's passages marked, the list
    of passages and the form to code. GET ?revisie=N shows an older revision's text with the
    passages made on it (coding is on the current version only)."""
    circle, reflection = _codeable(request, slug, pk)
    revisions = list(reflection.revisions.order_by("number"))
    by_id = {revision.pk: revision for revision in revisions}
    shown = _shown_revision(request, revisions, reflection) if request.method == "GET" else None
    passages = _passages(request, reflection, by_id)
    choices = _code_choices(reflection)
    texts = _current_texts(reflection)
    form = None
    status = 200
    code_errors: list[str] = []
    selection_errors: list[str] = []
    if shown is None:
        if request.method == "POST":
            form = CodingForm(request.POST, texts=texts, code_choices=choices)
            passage, status = _code(request, reflection, form, code_errors, selection_errors)
            if passage is not None:
                messages.success(request, _("The passage has been coded."))
                url = reverse("reflections:coding", args=[circle.slug, reflection.pk])
                return redirect(f"{url}#passage-{passage.pk}")
            if form.data.get("based_on_version") != str(reflection.version):
                form = CodingForm(
                    _fresh(request.POST, reflection.version, texts),
                    texts=texts,
                    code_choices=choices,
                )
                form.is_valid()
                form.errors.clear()
                selection_errors.append(STALE())
        else:
            form = CodingForm(
                initial={"based_on_version": reflection.version},
                texts=texts,
                code_choices=choices,
            )

    def on_shown(passage: Passage) -> bool:
        if shown is None:
            return passage.revision.reflection_version == reflection.version
        return passage.revision_id == shown.pk

    here = [p for p in passages if on_shown(p)]
    fields = []
    shown_texts = (
        texts
        if shown is None
        else {name: shown.content.get(name) or "" for name in services.TEXT_FIELDS}
    )
    for name, text in shown_texts.items():
        if not text:
            continue
        spans = [(p.start, p.end, p.pk) for p in here if p.field == name]
        fields.append({"name": name, "label": _label(name), "html": highlighted(text, spans)})
    for passage in here:
        if passage.field:
            passage.quote = shown_texts.get(passage.field, "")[passage.start : passage.end]
    elsewhere: dict[int, list[Passage]] = defaultdict(list)
    for passage in passages:
        if not on_shown(passage):
            if passage.field:
                passage.snippet = _snippet(
                    passage.revision.content.get(passage.field) or "", passage
                )
            elsewhere[passage.revision.number].append(passage)
    current_revision = next(
        (r for r in revisions if r.reflection_version == reflection.version), None
    )
    context = {
        "circle": circle,
        "reflection": reflection,
        "shown": shown,
        "current_revision": current_revision,
        "fields": fields,
        "passages": here,
        "elsewhere": sorted(elsewhere.items()),
        "pairs": _pairwise(passages),
        "form": form,
        "code_errors": code_errors,
        "selection_errors": selection_errors,
    }
    return render(request, "reflections/coding.html", context, status=status)


def STALE() -> str:  # noqa: N802 - the message, translated when it is shown
    return _(
        "The author changed the reflection since you opened it. "
        "Look at the new text and choose the passage again."
    )


def _fresh(post, version: int, texts: dict[str, str]):
    """The posted form on the new version: codes and memo kept, the passage to choose again
    (its offsets were of the old text)."""
    data = post.copy()
    data["based_on_version"] = str(version)
    for name in ("start", "end", *(sentence_field_name(field) for field in texts)):
        data.pop(name, None)
    return data


def _code(request, reflection, form, code_errors, selection_errors) -> tuple:
    """Code what the form says; (passage, 200) or (None, 400) with the problems put next to
    their fields."""
    if not form.is_valid():
        return None, 400
    data = form.cleaned_data
    try:
        passage = services.code_passage(
            reflection,
            request.user,
            based_on_version=data["based_on_version"],
            field=data["field"] or "",
            start=data.get("start"),
            end=data.get("end"),
            codes=form.code_keys(),
            memo=data.get("memo") or "",
            request=request,
        )
    except services.CodingProblem as refused:
        for key, problem in refused.problems.items():
            if key == "codes":
                code_errors.append(problem)
            elif key == "start":
                selection_errors.append(problem)
            elif problem != STALE():
                form.add_error("field", problem)
        return None, 400
    return passage, 200


@login_required
@require_POST
def coding_remove(request: HttpRequest, slug: str, pk: int, passage: int) -> HttpResponse:
    """Take back one's own coding; another researcher's passage is theirs to remove (403)."""
    circle, reflection = _codeable(request, slug, pk)
    found = get_object_or_404(
        Passage.objects.visible_to(request.user), reflection=reflection, pk=passage
    )
    if found.coder_id != request.user.pk:
        audit.record(
            "permission.denied",
            actor=request.user,
            circle=circle,
            request=request,
            permission="reflections.delete_passage",
            path=request.path,
        )
        raise PermissionDenied
    services.remove_passage(found, request.user, request=request)
    messages.success(request, _("Your coding has been removed."))
    return redirect("reflections:coding", circle.slug, reflection.pk)


@login_required
@require_POST
def exemplary(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Mark a reflection exemplary (exemplary=1) or take the mark away (anything else)."""
    circle, reflection = _codeable(request, slug, pk)
    mark = request.POST.get("exemplary") == "1"
    services.set_exemplary(reflection, mark, request.user, request=request)
    messages.success(
        request,
        _("The reflection is marked exemplary.")
        if mark
        else _("The reflection is no longer marked exemplary."),
    )
    return redirect("reflections:coding", circle.slug, reflection.pk)


# --- Free codes ---


def _free_codes_page(request, circle, form=None, merging=None, status=200) -> HttpResponse:
    # Counted over the passages this researcher may still read: a reflection its author has
    # since made private does not show through in the numbers.
    visible = Q(applications__passage__in=Passage.objects.visible_to(request.user))
    codes = list(
        FreeCode.objects.filter(circle=circle)
        .annotate(
            uses=Count("applications", filter=visible, distinct=True),
            reflections=Count("applications__passage__reflection", filter=visible, distinct=True),
        )
        .order_by("name")
    )
    for code in codes:
        bound = merging is not None and merging[0] == code.pk
        code.merge_form = merging[1] if bound else MergeForm(prefix=f"merge-{code.pk}")
    return render(
        request,
        "reflections/free_codes.html",
        {"circle": circle, "codes": codes, "form": form or FreeCodeForm(circle=circle)},
        status=status,
    )


@login_required
@GET_POST
def free_codes(request: HttpRequest, slug: str) -> HttpResponse:
    """The circle's free codes, how often each is applied, and a form to add one."""
    circle = circle_from_url(request, slug)
    require(request, "reflections.change_freecode", circle, circle)
    if request.method == "GET":
        return _free_codes_page(request, circle)
    form = FreeCodeForm(request.POST, circle=circle)
    if not form.is_valid():
        return _free_codes_page(request, circle, form=form, status=400)
    try:
        code = services.add_free_code(
            circle,
            request.user,
            form.cleaned_data["name"],
            form.cleaned_data["description"],
            request=request,
        )
    except IntegrityError:
        # Another researcher added the same name a moment ago (the constraint decides).
        form.add_error("name", _("The circle already has a code with this name."))
        return _free_codes_page(request, circle, form=form, status=400)
    messages.success(request, _("The code “%(name)s” has been added.") % {"name": code.name})
    return redirect("reflections:free_codes", circle.slug)


@login_required
@require_POST
def free_code_merge(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Take a free code into the framework draft as a role, work practice or value."""
    circle = circle_from_url(request, slug)
    require(request, "reflections.change_freecode", circle, circle)
    code = get_object_or_404(FreeCode.objects.visible_to(request.user), circle=circle, pk=pk)
    form = MergeForm(request.POST, prefix=f"merge-{code.pk}")
    if not form.is_valid():
        return _free_codes_page(request, circle, merging=(code.pk, form), status=400)
    try:
        merged = services.merge_free_code(
            code, form.cleaned_data["kind"], request.user, request=request
        )
    except services.FrameworkError as refused:
        form.add_error(None, str(refused))
        return _free_codes_page(request, circle, merging=(code.pk, form), status=400)
    messages.success(
        request,
        _("“%(name)s” is now a %(kind)s in the framework draft.")
        % {"name": merged.name, "kind": merged.get_merged_as_display()},
    )
    return redirect("reflections:free_codes", circle.slug)


# --- Agreement ---


@login_required
def agreement_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Per pair of researchers who coded a same reflection, per code: Cohen's kappa over the
    reflections both coded."""
    circle = circle_from_url(request, slug)
    require(request, "reflections.analyse_reflections", circle, circle)
    passages = Passage.objects.visible_to(request.user).filter(reflection__circle=circle)
    applied = applied_codes(passages)
    coders = {user.pk: user for user in User.objects.filter(pk__in=applied)}
    order = sorted(coders, key=lambda pk: (coders[pk].name, pk))
    labels = {key: label for _group, items in circle_code_choices(circle) for key, label in items}
    pairs = [
        {
            "a": coders[pair.coder_a],
            "b": coders[pair.coder_b],
            "reflections": pair.reflections,
            "rows": [
                {
                    "key": key,
                    "label": labels.get(key, key),
                    "kappa": figure,
                    "value": None if figure.kappa is None else float(figure.kappa),
                    "observed": float(figure.observed),
                }
                for key, figure in pair.per_code
            ],
        }
        for pair in agreement.pair_agreement(applied, order=order)
    ]
    return render(
        request,
        "reflections/agreement.html",
        {"circle": circle, "pairs": pairs, "coders": len(coders)},
    )
