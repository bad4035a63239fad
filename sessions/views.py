"""Pages of a circle's meetings. The circle comes from the URL (404 for non-members), the
permission from rules (403, recorded), the writes from services."""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST

from leerkring import services as core_services
from leerkring.models import Circle, User
from leerkring.navigation import redirect_back
from leerkring.permissions import circle_from_url, require
from leerkring.registry import registry, render_sections
from leerkring.spreadsheets import csv_safe
from municipalities.models import Membership
from sessions import ical, services
from sessions.forms import AgendaItemForm, MeetingForm, MinutesForm, OutcomeForm, SeriesForm
from sessions.models import AgendaItem, Meeting, Outcome, Registration

GET_POST = require_http_methods(["GET", "POST"])


def _meeting(request: HttpRequest, circle: Circle, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.visible_to(request.user).distinct(), circle=circle, pk=pk
    )


@login_required
def meeting_list(request: HttpRequest, slug: str) -> HttpResponse:
    circle = circle_from_url(request, slug)
    meetings = circle.meetings.select_related("host").annotate(
        confirmed=Count("registrations", filter=Q(registrations__status="confirmed"))
    )
    mine = set(
        Registration.objects.filter(user=request.user, meeting__circle=circle).values_list(
            "meeting_id", flat=True
        )
    )
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "circle": circle,
            "upcoming": meetings.upcoming(),
            "past": meetings.past(),
            "mine": mine,
            "can_plan": request.user.has_perm("meetings.add_meeting", circle),
        },
    )


@login_required
def meeting_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = circle_from_url(request, slug)
    meeting = _meeting(request, circle, pk)
    registrations = list(meeting.registrations.select_related("user"))
    mine = next((r for r in registrations if r.user_id == request.user.pk), None)
    confirmed = sum(r.status == Registration.Status.CONFIRMED for r in registrations)
    previous_open = (
        Outcome.objects.open_agreements()
        .filter(meeting__circle=circle, meeting__starts_at__lt=meeting.starts_at)
        .exclude(meeting=meeting)
    )
    context = {
        "circle": circle,
        "meeting": meeting,
        "agenda": meeting.agenda_items.select_related("core_question"),
        "outcomes": meeting.outcomes.select_related("assignee"),
        "open_agreements": previous_open,
        "registration": mine,
        "confirmed": confirmed,
        "waitlist": len(registrations) - confirmed,
        "seats_left": None if meeting.capacity is None else max(meeting.capacity - confirmed, 0),
        "can_change": request.user.has_perm("meetings.change_meeting", meeting),
        # Whether the notices about changes went out: a failed task shows here as "not yet".
        "changes": meeting.changes.order_by("-created_at")[:5]
        if request.user.has_perm("meetings.change_meeting", meeting)
        else [],
        "can_see_registrations": request.user.has_perm("meetings.view_registrations", meeting),
        "outcome_form": OutcomeForm(circle=circle)
        if request.user.has_perm("meetings.change_meeting", meeting)
        else None,
        # What other apps add to a meeting's page (the report as PDF, from publications).
        "sections": render_sections(request, registry.page_sections("meetings:detail"), meeting),
    }
    return render(request, "meetings/meeting_detail.html", context)


@login_required
@GET_POST
def meeting_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    circle = circle_from_url(request, slug)
    meeting = _meeting(request, circle, pk) if pk else None
    require(
        request,
        "meetings.change_meeting" if meeting else "meetings.add_meeting",
        meeting or circle,
        circle,
    )
    form = MeetingForm(request.POST or None, instance=meeting, circle=circle)
    step = request.POST.get("step")
    if request.method == "POST" and form.is_valid() and step != "back":
        changed = [name for name in services.NOTIFIED_FIELDS if name in form.changed_data]
        edited = form.instance
        recipients = (
            services.notice_recipients(edited)
            if meeting and changed and not edited.is_cancelled
            else 0
        )
        if recipients and step != "confirm":
            # A new time or place e-mails everyone registered: say so, and ask first.
            before = Meeting.objects.get(pk=meeting.pk)
            return render(
                request,
                "meetings/meeting_change_confirm.html",
                {
                    "circle": circle,
                    "meeting": before,
                    "edited": edited,
                    "form": form,
                    "changed": changed,
                    "recipients": recipients,
                },
            )
        meeting = services.save_meeting(form.save(commit=False), by=request.user, request=request)
        messages.success(request, _("The meeting has been saved."))
        return redirect(meeting)
    return render(
        request, "meetings/meeting_form.html", {"circle": circle, "meeting": meeting, "form": form}
    )


@login_required
@GET_POST
def plan_series(request: HttpRequest, slug: str) -> HttpResponse:
    circle = circle_from_url(request, slug)
    require(request, "meetings.add_meeting", circle, circle)
    form = SeriesForm(request.POST or None)
    step = request.POST.get("step")
    if request.method == "POST" and form.is_valid() and step != "back":
        data = form.cleaned_data
        proposals = services.series_dates(
            circle, months=data["months"], day=data["day"], title=data["title"]
        )
        chosen = set(request.POST.getlist("dates"))
        if step != "confirm" or not chosen:
            # First step (or nothing ticked): show the dates before anything is created.
            return render(
                request,
                "meetings/series_preview.html",
                {
                    "circle": circle,
                    "form": form,
                    "proposals": proposals,
                    # On the first showing, weekend and past dates start unticked.
                    "ticked": chosen
                    if step == "confirm"
                    else {p.date.isoformat() for p in proposals if not p.needs_attention},
                    "nothing_ticked": step == "confirm",
                },
                status=400 if step == "confirm" else 200,
            )
        planned = services.plan_series(
            circle,
            months=data["months"],
            day=data["day"],
            start=data["start"],
            end=data["end"],
            title=data["title"],
            by=request.user,
            dates=[p.date for p in proposals if p.date.isoformat() in chosen],
        )
        messages.success(
            request,
            ngettext(
                "%(count)s meeting has been planned.",
                "%(count)s meetings have been planned.",
                len(planned),
            )
            % {"count": len(planned)},
        )
        return redirect("meetings:list", circle.slug)
    return render(request, "meetings/series_form.html", {"circle": circle, "form": form})


@login_required
@GET_POST
def meeting_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: the confirmation page, saying how many people are told; POST: cancel."""
    circle = circle_from_url(request, slug)
    meeting = _meeting(request, circle, pk)
    require(request, "meetings.change_meeting", meeting, circle)
    if request.method == "GET":
        return render(
            request,
            "meetings/meeting_cancel.html",
            {
                "circle": circle,
                "meeting": meeting,
                "recipients": services.notice_recipients(meeting),
            },
        )
    try:
        services.cancel_meeting(meeting, by=request.user, request=request)
    except services.MeetingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The meeting has been cancelled; everyone registered will be notified.")
        )
    return redirect(meeting)


@login_required
@GET_POST
def agenda(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = circle_from_url(request, slug)
    meeting = _meeting(request, circle, pk)
    require(request, "meetings.change_meeting", meeting, circle)
    form = AgendaItemForm(request.POST or None, circle=circle)
    if request.method == "POST" and form.is_valid():
        services.add_agenda_item(meeting, form.save(commit=False), by=request.user)
        messages.success(request, _("The item has been added to the agenda."))
        return redirect("meetings:agenda", circle.slug, meeting.pk)
    items = meeting.agenda_items.select_related("core_question")
    return render(
        request,
        "meetings/agenda.html",
        {"circle": circle, "meeting": meeting, "items": items, "form": form},
    )


@login_required
@require_POST
def agenda_item(request: HttpRequest, slug: str, pk: int, item: int) -> HttpResponse:
    """Move an item up or down (the button pressed says which). Removing has its own
    confirmation page, agenda_item_remove."""
    circle = circle_from_url(request, slug)
    meeting = _meeting(request, circle, pk)
    require(request, "meetings.change_meeting", meeting, circle)
    agenda_item = get_object_or_404(AgendaItem, meeting=meeting, pk=item)
    action = request.POST.get("action")
    if action in ("up", "down"):
        services.move_agenda_item(agenda_item, action)
    return redirect("meetings:agenda", circle.slug, meeting.pk)


@login_required
@GET_POST
def agenda_item_edit(request: HttpRequest, slug: str, pk: int, item: int) -> HttpResponse:
    circle = circle_from_url(request, slug)
    meeting = _meeting(request, circle, pk)
    require(request, "meetings.change_meeting", meeting, circle)
    agenda_item = get_object_or_404(AgendaItem, meeting=meeting, pk=item)
    form = AgendaItemForm(request.POST or None, instance=agenda_item, circle=circle)
    if request.method == "POST" and form.is_valid():
        services.change_agenda_item(form.save(commit=False), by=request.user)
        messages.success(request, _("The agenda item has been saved."))
        return redirect("meetings:agenda", circle.slug, meeting.pk)
    return render(
        request,
        "meetings/agenda_item_form.html",
        {"circle": circle, "meeting": meeting, "item": agenda_item, "form": form},
    )


@login_required
@GET_POST
def agenda_item_remove(request: HttpRequest, slug: str, pk: int, item: int) -> HttpResponse:
    """GET: the confirmation page; POST: remove the item from the agenda."""
    circle = circle_from_url(request, slug)
    meeting = _meeting(request, circle, pk)
    require(request, "meetings.change_meeting", meeting, circle)
    agenda_item = get_object_or_404(
        AgendaItem.objects.select_related("core_question"), meeting=meeting, pk=item
    )
    if request.method == "POST":
        services.delete_agenda_item(agenda_item, by=request.user)
        messages.success(request, _("The item has been removed from the agenda."))
        return redirect("meetings:agenda", circle.slug, meeting.pk)
    return render(
        request,
        "meetings/agenda_item_remove.html",
        {"circle": circle, "meeting": meeting, "item": agenda_item},
    )


@login_required
@require_POST
def register(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = circle_from_url(request, slug)
    meeting = _meeting(request, circle, pk)
    require(request, "meetings.register", meeting, circle)
    try:
        registration = services.register(request.user, meeting)
    except services.MeetingError as error:
        messages.error(request, str(error))
    else:
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(request, _("You are registered."))
        else:
            messages.info(
                request,
                _(
                    "The meeting is full: you are on the waiting list and move up when a seat "
                    "comes free."
                ),
            )
    return redirect_back(request, meeting)


@login_required
@require_POST
def unregister(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = circle_from_url(request, slug)
    meeting = _meeting(request, circle, pk)
    try:
        services.unregister(request.user, meeting)
    except services.MeetingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You have been unregistered."))
    return redirect_back(request, meeting)


def _registrations_for(request: HttpRequest, meeting: Meeting):
    """Whose registrations the person may see: `Registration.objects.visible_to` decides."""
    registrations = (
        Registration.objects.visible_to(request.user)
        .filter(meeting=meeting)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "user__memberships",
                queryset=Membership.objects.filter(circle=meeting.circle).select_related(
                    "municipality"
                ),
                to_attr="circle_memberships",
            )
        )
    )
    return registrations.order_by("status", "created_at")


def _municipality_of(registration: Registration, circle_id: int) -> str:
    for membership in registration.user.circle_memberships:
        if membership.circle_id == circle_id and membership.municipality_id:
            return membership.municipality.name
    return ""


@login_required
def registrations(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = circle_from_url(request, slug)
    meeting = _meeting(request, circle, pk)
    require(request, "meetings.view_registrations", meeting, circle)
    rows = list(_registrations_for(request, meeting))
    for row in rows:
        row.municipality_name = _municipality_of(row, circle.pk)
    return render(
        request,
        "meetings/registrations.html",
        {
            "circle": circle,
            "meeting": meeting,
            "rows": rows,
            "can_change": request.user.has_perm("meetings.change_meeting", meeting),
        },
    )


# Names and e-mail addresses: never kept by a proxy or the browser cache.
@cache_control(private=True, no_store=True)
@login_required
def registrations_csv(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = circle_from_url(request, slug)
    meeting = _meeting(request, circle, pk)
    require(request, "meetings.view_registrations", meeting, circle)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="aanmeldingen-{meeting.pk}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Name"),
            _("E-mail address"),
            _("Municipality"),
            _("Status"),
            _("Registered at"),
            _("Attended"),
        ]
    )
    for row in _registrations_for(request, meeting):
        writer.writerow(
            [
                csv_safe(row.user.name),
                csv_safe(row.user.email),
                csv_safe(_municipality_of(row, circle.pk)),
                row.get_status_display(),
                timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M"),
                {True: _("yes"), False: _("no"), None: ""}[row.attended],
            ]
        )
    return response


@login_required
@GET_POST
def attendance(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = circle_from_url(request, slug)
    meeting = _meeting(request, circle, pk)
    require(request, "meetings.change_meeting", meeting, circle)
    confirmed = meeting.registrations.filter(status=Registration.Status.CONFIRMED).select_related(
        "user"
    )
    if request.method == "POST":
        present = {int(value) for value in request.POST.getlist("present") if value.isdigit()}
        try:
            services.set_attendance(meeting, present, by=request.user)
        except services.AttendanceNotOpen as error:
            messages.error(request, str(error))
            return redirect("meetings:attendance", circle.slug, meeting.pk)
        messages.success(request, _("Attendance has been recorded."))
        return redirect_back(request, meeting)
    return render(
        request,
        "meetings/attendance.html",
        {"circle": circle, "meeting": meeting, "registrations": confirmed},
    )


@login_required
@GET_POST
def minutes(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = circle_from_url(request, slug)
    meeting = _meeting(request, circle, pk)
    require(request, "meetings.change_meeting", meeting, circle)
    form = MinutesForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        form.instance.minutes = form.cleaned_data["minutes"]
        services.save_meeting(form.instance, by=request.user, request=request)
        messages.success(request, _("The minutes have been saved."))
        return redirect_back(request, meeting)
    return render(
        request, "meetings/minutes_form.html", {"circle": circle, "meeting": meeting, "form": form}
    )


@login_required
@require_POST
def outcome_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = circle_from_url(request, slug)
    meeting = _meeting(request, circle, pk)
    require(request, "meetings.change_meeting", meeting, circle)
    form = OutcomeForm(request.POST, circle=circle)
    if form.is_valid():
        services.add_outcome(meeting, form.save(commit=False), by=request.user)
        messages.success(request, _("The outcome has been added."))
        return redirect(meeting)
    return render(
        request,
        "meetings/outcome_form.html",
        {"circle": circle, "meeting": meeting, "form": form},
        status=400,
    )


def _outcome(request: HttpRequest, circle: Circle, pk: int, outcome: int) -> Outcome:
    meeting = _meeting(request, circle, pk)
    require(request, "meetings.change_meeting", meeting, circle)
    found = get_object_or_404(
        Outcome.objects.select_related("assignee"), meeting=meeting, pk=outcome
    )
    found.meeting = meeting  # the one already loaded, with its circle
    return found


@login_required
@GET_POST
def outcome_edit(request: HttpRequest, slug: str, pk: int, outcome: int) -> HttpResponse:
    circle = circle_from_url(request, slug)
    found = _outcome(request, circle, pk, outcome)
    form = OutcomeForm(request.POST or None, instance=found, circle=circle)
    if request.method == "POST" and form.is_valid():
        services.change_outcome(form.save(commit=False), by=request.user)
        messages.success(request, _("The outcome has been saved."))
        return redirect(found.meeting)
    return render(
        request,
        "meetings/outcome_edit.html",
        {"circle": circle, "meeting": found.meeting, "outcome": found, "form": form},
    )


@login_required
@GET_POST
def outcome_remove(request: HttpRequest, slug: str, pk: int, outcome: int) -> HttpResponse:
    """GET: the confirmation page; POST: remove the outcome from the meeting."""
    circle = circle_from_url(request, slug)
    found = _outcome(request, circle, pk, outcome)
    if request.method == "POST":
        services.remove_outcome(found, by=request.user)
        messages.success(request, _("The outcome has been removed."))
        return redirect(found.meeting)
    return render(
        request,
        "meetings/outcome_remove.html",
        {"circle": circle, "meeting": found.meeting, "outcome": found},
    )


@login_required
@require_POST
def agreement_done(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = circle_from_url(request, slug)
    outcome = get_object_or_404(
        Outcome.objects.select_related("meeting", "meeting__circle"),
        meeting__circle=circle,
        pk=pk,
        kind=Outcome.Kind.AGREEMENT,
    )
    require(request, "meetings.close_agreement", outcome, circle)
    try:
        services.close_agreement(outcome, by=request.user)
    except services.MeetingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The agreement is marked as done."))
    if request.POST.get("from") == "calendar":
        return redirect("my_calendar")
    return redirect_back(request, outcome.meeting)


@cache_control(private=True, no_store=True)
@login_required
def meeting_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = circle_from_url(request, slug)
    meeting = _meeting(request, circle, pk)
    response = HttpResponse(
        ical.as_calendar([meeting], meeting.title), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="bijeenkomst-{meeting.pk}.ics"'
    return response


# The address is the secret: a shared cache must not hand the feed to anyone else.
@cache_control(private=True, no_store=True)
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal feed: every meeting of every circle the token's owner belongs to. An
    unknown or replaced token is a plain 404."""
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404
    meetings = ical.for_feed(Meeting.objects.filter(circle__memberships__user=user).distinct())
    return HttpResponse(
        ical.as_calendar(meetings.order_by("starts_at"), "Leerkring"),
        content_type="text/calendar; charset=utf-8",
    )


@login_required
@GET_POST
def calendar_new_address(request: HttpRequest) -> HttpResponse:
    """GET: the confirmation page (every calendar subscribed to the old address stops
    updating); POST: make the new address."""
    if request.method == "POST":
        core_services.new_calendar_token(request.user)
        messages.success(
            request, _("Your calendar has a new address; the old one no longer works.")
        )
        return redirect("my_calendar")
    return render(request, "meetings/calendar_new_address.html")


@login_required
@GET_POST
def my_calendar(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action")
        # A new feed address has a confirmation page of its own: calendar_new_address.
        if action in ("reminders_on", "reminders_off"):
            core_services.set_meeting_reminders(request.user, action == "reminders_on")
            messages.success(request, _("Your reminder setting has been saved."))
        return redirect("my_calendar")
    feed_url = settings.SITE_URL + reverse("calendar_feed", args=[request.user.calendar_token])
    agreements = Outcome.objects.open_agreements().mine(request.user)
    upcoming = (
        Registration.objects.filter(user=request.user, meeting__ends_at__gt=timezone.now())
        .select_related("meeting", "meeting__circle")
        .order_by("meeting__starts_at")
    )
    return render(
        request,
        "meetings/my_calendar.html",
        {"feed_url": feed_url, "agreements": agreements, "upcoming": upcoming},
    )
