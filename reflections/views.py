import difflib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.access import is_researcher
from leerkring.markdown import render_markdown
from leerkring.permissions import circle_from_url, require
from reflections import services
from reflections.forms import CommentForm, ReflectionForm, SharingForm
from reflections.models import Comment, Framework, Reflection

# --- Conversation ---


@login_required
@require_POST
def comment_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Add a comment to a reflection's conversation and go back to the reflection. Who may not
    read the reflection gets 404; who may read it but not take part (organisers, colleagues),
    403. An invalid comment is shown again with its error, its text kept."""
    circle = circle_from_url(request, slug)
    reflection = get_object_or_404(
        Reflection.objects.visible_to(request.user), circle=circle, pk=pk
    )
    require(request, "reflections.add_comment", reflection, circle)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "reflections/comment_form.html",
            {"circle": circle, "reflection": reflection, "comment_form": form},
            status=400,
        )
    comment = services.add_comment(
        reflection, request.user, form.cleaned_data["text"], request=request
    )
    messages.success(request, _("Your comment has been added."))
    return redirect(f"{reflection.get_absolute_url()}#comment-{comment.pk}")


def conversation_context(request: HttpRequest, reflection: Reflection) -> dict:
    """What reflections/_comments.html needs, for the reflection page: the comments this person
    may read (one query) and the form if they may take part."""
    comments = (
        Comment.objects.visible_to(request.user)
        .filter(reflection=reflection)
        .select_related("author")
        .order_by("created_at", "id")
    )
    may_comment = request.user.has_perm("reflections.add_comment", reflection)
    return {
        "reflection": reflection,
        "comments": list(comments),
        "comment_form": CommentForm() if may_comment else None,
    }


# --- Reflections ---

GET_POST = require_http_methods(["GET", "POST"])
PER_PAGE = 20
LONG_TEXTS = (
    "situation",
    "switch_reason",
    "tension",
    "professional_knowledge",
    "local_knowledge",
    "lesson",
)


def _visible_reflection(request: HttpRequest, circle, pk: int) -> Reflection:
    return get_object_or_404(Reflection.objects.visible_to(request.user), circle=circle, pk=pk)


@login_required
def reflection_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The tab: my reflections (drafts, submitted, comments waiting) and what others shared
    that I may read, each a page at a time."""
    circle = circle_from_url(request, slug)
    mine = (
        Reflection.objects.filter(circle=circle, author=request.user)
        .annotate(
            waiting=Count("comments", filter=~Q(comments__author=request.user), distinct=True)
        )
        .order_by("status", "-updated_at", "-pk")
    )
    shared = (
        Reflection.objects.visible_to(request.user)
        .filter(circle=circle, status=Reflection.Status.SUBMITTED)
        .exclude(author=request.user)
        .select_related("primary_role")
        .order_by("-submitted_at", "-pk")
    )
    return render(
        request,
        "reflections/reflection_list.html",
        {
            "circle": circle,
            "mine": Paginator(mine, PER_PAGE).get_page(request.GET.get("mijn")),
            "shared": Paginator(shared, PER_PAGE).get_page(request.GET.get("pagina")),
            "can_write": request.user.has_perm("reflections.add_reflection", circle),
        },
    )


def _edit_context(circle, form, reflection=None, conflict=None) -> dict:
    return {
        "circle": circle,
        "form": form,
        "reflection": reflection,
        "conflict": conflict,
        "core_questions": list(circle.core_questions.all()),
    }


def _conflict_rows(form: ReflectionForm, current: Reflection) -> list[dict]:
    """The texts that differ between what was saved elsewhere and what this form holds."""
    rows = []
    for name in services.TEXT_FIELDS:
        mine = services.canonical(form.data.get(name, ""))
        theirs = services.canonical(getattr(current, name))
        if mine != theirs:
            rows.append({"label": form.fields[name].label, "saved": theirs, "yours": mine})
    return rows


@login_required
@GET_POST
def reflection_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    """Write a new reflection (pk None) or go on with one. "Save draft" keeps everything, also
    what is not valid yet (shown again with its error); "Submit" asks what a submitted
    reflection needs. A save based on an older version is refused and shows both texts."""
    circle = circle_from_url(request, slug)
    if pk is None:
        require(request, "reflections.add_reflection", circle, circle)
        reflection = None
        framework = Framework.objects.filter(circle=circle).published().order_by("-number").first()
        if framework is None:
            return render(request, "reflections/no_framework.html", {"circle": circle})
    else:
        reflection = _visible_reflection(request, circle, pk)
        require(request, "reflections.change_reflection", reflection, circle)
        framework = reflection.framework
    if request.method == "GET":
        if reflection is not None:
            initial = ReflectionForm.initial_for(reflection)
        else:
            asked = request.GET.get("bijeenkomst", "")
            # A link from the invitation to reflect; anything but a number is ignored.
            is_id = asked.isascii() and asked.isdigit() and len(asked) < 19
            meeting = circle.meetings.filter(pk=int(asked)).first() if is_id else None
            initial = {"meeting": meeting.pk if meeting else None}
        form = ReflectionForm(initial=initial, framework=framework, circle=circle)
        return render(
            request, "reflections/reflection_form.html", _edit_context(circle, form, reflection)
        )

    form = ReflectionForm(request.POST, framework=framework, circle=circle)
    form.is_valid()
    if reflection is not None and request.htmx and request.POST.get("autosave"):
        return _autosave(request, reflection, form)
    action = request.POST.get("action", "draft")
    if reflection is None:
        try:
            reflection = services.start_reflection(
                request.user, circle, meeting=form.cleaned_data.get("meeting")
            )
        except services.NoPublishedFramework:
            return render(request, "reflections/no_framework.html", {"circle": circle})
        based_on = reflection.version
    else:
        based_on = form.cleaned_data.get("version") or 0
    try:
        reflection = services.save_reflection(
            reflection, form.data_for_service(), by=request.user, based_on_version=based_on
        )
    except services.EditConflict as refused:
        conflict = refused
        if not _differs(form, conflict.current):
            # What was saved in between is what this form holds (the page's own autosave a
            # moment before the button): nothing to choose between, so save on top of it.
            based_on = conflict.current.version
            conflict = None
        if conflict is None:
            reflection = services.save_reflection(
                reflection, form.data_for_service(), by=request.user, based_on_version=based_on
            )
    else:
        conflict = None
    if conflict is not None:
        form = ReflectionForm(
            _with_version(request.POST, conflict.current.version),
            framework=framework,
            circle=circle,
        )
        form.is_valid()
        return render(
            request,
            "reflections/reflection_form.html",
            _edit_context(
                circle, form, conflict.current, conflict=_conflict_rows(form, conflict.current)
            ),
            status=409,
        )
    for name, service in (
        ("visibility", services.set_visibility),
        ("consent", services.set_consent),
    ):
        if name not in form.errors and form.cleaned_data.get(name):
            reflection = service(reflection, form.cleaned_data[name], by=request.user)
    problems = {}
    if action == "submit" or not reflection.is_draft:
        problems = services.submission_problems(reflection)
    if action == "submit" and not problems and not form.errors:
        services.submit(reflection, by=request.user)
        messages.success(request, _("Your reflection has been submitted."))
        return redirect(reflection)
    for name, problem in problems.items():
        form.add_error(name, problem)
    if form.errors:
        form = ReflectionForm(
            _with_version(request.POST, reflection.version), framework=framework, circle=circle
        )
        form.is_valid()
        for name, problem in problems.items():
            form.add_error(name, problem)
        messages.warning(
            request,
            _("Your draft has been saved, but some answers need a look before you can submit it."),
        )
        return render(
            request,
            "reflections/reflection_form.html",
            _edit_context(circle, form, reflection),
            status=400,
        )
    messages.success(request, _("Your draft has been saved."))
    return redirect("reflections:edit", circle.slug, reflection.pk)


def _autosave(request: HttpRequest, reflection: Reflection, form: ReflectionForm) -> HttpResponse:
    """With htmx, the draft saves itself while the person writes: what is valid is kept, and
    the form gets the new version. A save from another tab in between is not overwritten: the
    person is asked to save with the button, which shows both versions."""
    try:
        reflection = services.save_reflection(
            reflection,
            form.data_for_service(),
            by=request.user,
            based_on_version=form.cleaned_data.get("version") or 0,
        )
    except services.EditConflict:
        return render(request, "reflections/_autosave.html", {"conflict": True})
    return render(request, "reflections/_autosave.html", {"reflection": reflection})


def _differs(form: ReflectionForm, current: Reflection) -> bool:
    """Whether the saved reflection differs from what the form holds, texts or choices."""
    if _conflict_rows(form, current):
        return True
    cleaned = form.cleaned_data
    for name in ("case_date", "primary_role", "switched_from", "switched_to", "meeting"):
        if name in cleaned and cleaned[name] != getattr(current, name):
            return True
    for name in ("roles", "practices", "core_questions"):
        if name in cleaned and set(cleaned[name]) != set(getattr(current, name).all()):
            return True
    notes = {
        (v.pk, effect, services.canonical(text))
        for v, effect, text in form.data_for_service()["value_notes"]
    }
    saved = {(n.value_id, n.effect, n.text) for n in current.value_notes.all()}
    return notes != saved


def _with_version(post, version: int):
    data = post.copy()
    data["version"] = str(version)
    return data


def _diff_lines(before: str, after: str) -> list[tuple[str, str]]:
    lines = difflib.unified_diff(
        (before or "").splitlines(), (after or "").splitlines(), lineterm="", n=1
    )
    rows = []
    for line in list(lines)[2:]:
        kind = {"+": "added", "-": "removed", "@": "hunk"}.get(line[:1], "same")
        rows.append((kind, line))
    return rows


def _revisions(reflection: Reflection) -> list[dict]:
    """Each earlier text, with what changed from it to the next (the last to the current)."""
    revisions = list(reflection.revisions.order_by("number"))
    if not revisions:
        return []
    current = services.reflection_content(reflection)
    following = [r.content for r in revisions[1:]] + [current]
    out = []
    for revision, after in zip(revisions, following, strict=True):
        changes = []
        for name in services.TEXT_FIELDS:
            before_text, after_text = revision.content.get(name, ""), after.get(name, "")
            if before_text != after_text:
                changes.append(
                    {
                        "label": Reflection._meta.get_field(name).verbose_name,
                        "lines": _diff_lines(before_text, after_text),
                    }
                )
        out.append({"revision": revision, "changes": changes})
    return out


@login_required
def reflection_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = circle_from_url(request, slug)
    reflection = _visible_reflection(request, circle, pk)
    reflection = (
        Reflection.objects.filter(pk=reflection.pk)
        .select_related(
            "circle",
            "author",
            "municipality",
            "framework",
            "meeting",
            "primary_role",
            "switched_from",
            "switched_to",
        )
        .prefetch_related("roles", "practices", "core_questions", "value_notes__value")
        .get()
    )
    is_author = request.user.has_perm("reflections.change_reflection", reflection)
    sees_history = is_author or is_researcher(request.user, reflection)
    context = {
        "circle": circle,
        "reflection": reflection,
        "texts": [
            {
                "label": Reflection._meta.get_field(name).verbose_name,
                "html": mark_safe(render_markdown(getattr(reflection, name))),  # noqa: S308 - sanitised by nh3
            }
            for name in LONG_TEXTS
            if getattr(reflection, name)
        ],
        "is_author": is_author,
        "may_code": request.user.has_perm("reflections.code_reflection", reflection)
        and not reflection.is_draft,
        "revisions": _revisions(reflection) if sees_history else None,
        "sharing_form": SharingForm(
            initial={"visibility": reflection.visibility, "consent": reflection.consent}
        )
        if is_author
        else None,
        "has_comments": template_exists("reflections/_comments.html"),
    }
    if context["has_comments"]:
        context.update(conversation_context(request, reflection))
    return render(request, "reflections/reflection_detail.html", context)


@login_required
@require_POST
def reflection_sharing(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The author changes who may read it, and their consent for quotation (at any time)."""
    circle = circle_from_url(request, slug)
    reflection = _visible_reflection(request, circle, pk)
    require(request, "reflections.change_reflection", reflection, circle)
    form = SharingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose who may read it and whether you may be quoted."))
        return redirect(reflection)
    reflection = services.set_visibility(reflection, form.cleaned_data["visibility"], request.user)
    reflection = services.set_consent(reflection, form.cleaned_data["consent"], request.user)
    messages.success(request, _("Your choices have been saved."))
    return redirect(reflection)


def template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True
