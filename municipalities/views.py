"""Pages of a circle's people: overview, municipalities, members, invitations, audit log.

Every view takes the circle (and municipality) from the URL, limited to the circles the person
belongs to (404 otherwise), then asks the permission layer (403, recorded in the audit log).
"""

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.utils import complete_signup
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST

from leerkring import audit
from leerkring import services as core_services
from leerkring.models import AuditEvent, Circle, User
from leerkring.permissions import circle_from_url, require
from leerkring.registry import registry, render_sections
from municipalities import services
from municipalities.forms import (
    AcceptInvitationForm,
    AddParticipationForm,
    AuditLogFilterForm,
    CircleForm,
    CoordinatorMunicipalityForm,
    CoreQuestionFormSet,
    IntakeNotesForm,
    InvitationForm,
    MunicipalityForm,
    StatusChangeForm,
)
from municipalities.models import (
    MUNICIPAL_ROLES,
    Invitation,
    Membership,
    Participation,
    Role,
    StatusChange,
)
from municipalities.rules import membership_in

GET_POST = require_http_methods(["GET", "POST"])
AUDIT_LOG_PAGE_SIZE = 50


def _participation(request: HttpRequest, circle: Circle, cbs_code: str) -> Participation:
    return get_object_or_404(
        Participation.objects.visible_to(request.user),
        circle=circle,
        municipality__cbs_code=cbs_code,
    )


@login_required
def circle_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The circle's overview: what it is, whom to ask, and what the apps add (its upcoming
    meetings, for one)."""
    circle = circle_from_url(request, slug)
    context = {
        "circle": circle,
        "me": membership_in(request.user, circle),
        "sections": render_sections(request, registry.overview_sections(), circle),
        "may_edit_circle": request.user.has_perm("leerkring.change_circle", circle),
    }
    return render(request, "municipalities/circle_detail.html", context)


@login_required
def participants(request: HttpRequest, slug: str) -> HttpResponse:
    """Who takes part: the municipalities with their status, the members by role, and for
    researchers the invitations still open."""
    circle = circle_from_url(request, slug)
    me = membership_in(request.user, circle)
    participations = list(
        circle.participations.select_related("municipality")
        .with_member_counts()
        .order_by("municipality__name")
    )
    members = list(
        circle.memberships.select_related("user", "municipality").order_by(
            "user__name", "user__email"
        )
    )
    by_role = {role: [] for role in Role.values}
    for membership in members:
        by_role[membership.role].append(membership)
    is_researcher = request.user.has_perm("municipalities.manage_participation", circle)
    invitations = (
        Invitation.objects.filter(circle=circle)
        .pending()
        .select_related("municipality", "invited_by", "last_email", "circle")
        if is_researcher
        else []
    )
    counting = sum(p.status in Participation.COUNTS_TOWARD_TARGET for p in participations)
    context = {
        "circle": circle,
        "me": me,
        "participations": participations,
        "members_by_role": [(Role(role).label, by_role[role]) for role in Role.values],
        "member_count": len(members),
        "counting": counting,
        "is_researcher": is_researcher,
        "invitations": invitations,
        "can_invite": request.user.has_perm("municipalities.add_invitation", circle),
    }
    return render(request, "municipalities/participants.html", context)


@login_required
@GET_POST
def circle_edit(request: HttpRequest, slug: str) -> HttpResponse:
    circle = circle_from_url(request, slug)
    require(request, "leerkring.change_circle", circle, circle)
    form = CircleForm(request.POST or None, instance=circle)
    questions = CoreQuestionFormSet(request.POST or None, instance=circle, prefix="vragen")
    if request.method == "POST" and form.is_valid() and questions.is_valid():
        core_services.save_circle(
            form.save(commit=False),
            by=request.user,
            changed_fields=form.changed_data,
            core_questions=questions,
            request=request,
        )
        messages.success(request, _("The circle has been saved."))
        return redirect("municipalities:circle", circle.slug)
    return render(
        request,
        "municipalities/circle_form.html",
        {"circle": circle, "form": form, "questions": questions},
    )


@login_required
@GET_POST
def participation_add(request: HttpRequest, slug: str) -> HttpResponse:
    circle = circle_from_url(request, slug)
    require(request, "municipalities.manage_participation", circle, circle)
    form = AddParticipationForm(request.POST or None, circle=circle)
    if request.method == "POST" and form.is_valid():
        try:
            participation = services.add_participation(
                circle, form.cleaned_data["municipality"], by=request.user, request=request
            )
        except services.ServiceError as error:
            form.add_error("municipality", str(error))
        else:
            messages.success(
                request, _("%(name)s has been added.") % {"name": participation.municipality}
            )
            return redirect("municipalities:participants", circle.slug)
    return render(
        request, "municipalities/participation_add.html", {"circle": circle, "form": form}
    )


@login_required
@GET_POST
def municipality_new(request: HttpRequest, slug: str) -> HttpResponse:
    circle = circle_from_url(request, slug)
    require(request, "municipalities.manage_participation", circle, circle)
    form = MunicipalityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        municipality = form.save(commit=False)
        services.create_municipality_in_circle(
            municipality, circle, by=request.user, request=request
        )
        messages.success(request, _("%(name)s has been added.") % {"name": municipality})
        return redirect("municipalities:municipality", circle.slug, municipality.cbs_code)
    return render(
        request, "municipalities/municipality_form.html", {"circle": circle, "form": form}
    )


def _municipality_page(
    request: HttpRequest,
    circle: Circle,
    participation: Participation,
    status_form: StatusChangeForm | None = None,
) -> HttpResponse:
    is_researcher = request.user.has_perm("municipalities.manage_participation", participation)
    if is_researcher and status_form is None:
        status_form = StatusChangeForm(participation=participation)
    context = {
        "circle": circle,
        "participation": participation,
        "municipality": participation.municipality,
        "members": Membership.objects.filter(
            circle=circle, municipality=participation.municipality
        ).select_related("user", "municipality"),
        "is_researcher": is_researcher,
        "history": StatusChange.objects.filter(participation=participation).select_related(
            "changed_by"
        )
        if is_researcher
        else [],
        "status_form": status_form,
        "can_edit": request.user.has_perm("municipalities.change_municipality", participation),
        "can_manage_members": request.user.has_perm("municipalities.manage_members", participation),
        "sections": render_sections(
            request, registry.page_sections("municipalities:municipality"), participation
        ),
    }
    status = 400 if status_form is not None and status_form.errors else 200
    return render(request, "municipalities/municipality_detail.html", context, status=status)


@login_required
def municipality_detail(request: HttpRequest, slug: str, cbs_code: str) -> HttpResponse:
    circle = circle_from_url(request, slug)
    return _municipality_page(request, circle, _participation(request, circle, cbs_code))


@login_required
@require_POST
def participation_status(request: HttpRequest, slug: str, cbs_code: str) -> HttpResponse:
    circle = circle_from_url(request, slug)
    participation = _participation(request, circle, cbs_code)
    require(request, "municipalities.manage_participation", participation, circle)
    form = StatusChangeForm(request.POST, participation=participation)
    if form.is_valid():
        try:
            services.change_participation_status(
                participation,
                form.cleaned_data["to_status"],
                by=request.user,
                note=form.cleaned_data["note"],
                request=request,
            )
        except services.ServiceError as error:
            form.add_error("to_status", str(error))
        else:
            messages.success(request, _("The status has been changed."))
            return redirect("municipalities:municipality", circle.slug, cbs_code)
    # Invalid: the page again, with the errors next to their fields and the note kept.
    return _municipality_page(request, circle, participation, status_form=form)


@login_required
@GET_POST
def intake_notes(request: HttpRequest, slug: str, cbs_code: str) -> HttpResponse:
    circle = circle_from_url(request, slug)
    participation = _participation(request, circle, cbs_code)
    require(request, "municipalities.manage_participation", participation, circle)
    form = IntakeNotesForm(request.POST or None, instance=participation)
    if request.method == "POST" and form.is_valid():
        services.update_intake_notes(
            participation, form.cleaned_data["intake_notes"], by=request.user, request=request
        )
        messages.success(request, _("The intake notes have been saved."))
        return redirect("municipalities:municipality", circle.slug, cbs_code)
    return render(
        request,
        "municipalities/intake_notes.html",
        {"circle": circle, "participation": participation, "form": form},
    )


@login_required
@GET_POST
def municipality_edit(request: HttpRequest, slug: str, cbs_code: str) -> HttpResponse:
    circle = circle_from_url(request, slug)
    participation = _participation(request, circle, cbs_code)
    require(request, "municipalities.change_municipality", participation, circle)
    researcher = request.user.has_perm("municipalities.manage_participation", participation)
    form_class = MunicipalityForm if researcher else CoordinatorMunicipalityForm
    form = form_class(request.POST or None, instance=participation.municipality)
    if request.method == "POST" and form.is_valid():
        municipality = services.save_municipality(
            form.save(commit=False),
            by=request.user,
            circle=circle,
            changed_fields=form.changed_data,
            request=request,
        )
        messages.success(request, _("The details have been saved."))
        return redirect("municipalities:municipality", circle.slug, municipality.cbs_code)
    return render(
        request,
        "municipalities/municipality_form.html",
        {"circle": circle, "form": form, "participation": participation},
    )


@login_required
def members(request: HttpRequest, slug: str, cbs_code: str) -> HttpResponse:
    circle = circle_from_url(request, slug)
    participation = _participation(request, circle, cbs_code)
    require(request, "municipalities.manage_members", participation, circle)
    form = _municipality_invitation_form(request, circle, participation)
    context = {
        "circle": circle,
        "participation": participation,
        "municipality": participation.municipality,
        "members": Membership.objects.filter(
            circle=circle, municipality=participation.municipality
        ).select_related("user"),
        "invitations": Invitation.objects.filter(
            circle=circle, municipality=participation.municipality
        )
        .exclude(status=Invitation.Status.ACCEPTED)
        .select_related("invited_by", "last_email", "municipality", "circle"),
        "form": form,
    }
    return render(request, "municipalities/members.html", context)


def _municipality_invitation_form(
    request: HttpRequest, circle: Circle, participation: Participation, data=None
) -> InvitationForm:
    """Invite into one municipality: which one comes from the URL, never from the form."""
    roles = [
        role
        for role in services.roles_they_may_invite(request.user, circle)
        if role in MUNICIPAL_ROLES
    ]
    return InvitationForm(data, circle=circle, roles=roles, municipality=participation.municipality)


@login_required
@GET_POST
def invite_to_municipality(request: HttpRequest, slug: str, cbs_code: str) -> HttpResponse:
    circle = circle_from_url(request, slug)
    participation = _participation(request, circle, cbs_code)
    require(request, "municipalities.manage_members", participation, circle)
    if request.method == "GET":
        return redirect("municipalities:members", circle.slug, cbs_code)
    form = _municipality_invitation_form(request, circle, participation, data=request.POST)
    if form.is_valid() and _send_invitation(request, circle, form):
        return redirect("municipalities:members", circle.slug, cbs_code)
    return render(
        request,
        "municipalities/invite.html",
        {"circle": circle, "form": form, "participation": participation},
    )


def _send_invitation(request: HttpRequest, circle: Circle, form: InvitationForm) -> bool:
    """Invite as the form says; on a refusal the reason goes next to the e-mail field."""
    data = form.cleaned_data
    try:
        invitation = services.invite(
            circle=circle,
            email=data["email"],
            role=data["role"],
            municipality=data.get("municipality"),
            name=data["name"],
            by=request.user,
            request=request,
        )
    except services.ServiceError as error:
        form.add_error("email", str(error))
        return False
    messages.success(
        request, _("An invitation has been sent to %(email)s.") % {"email": invitation.email}
    )
    return True


@login_required
@GET_POST
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    circle = circle_from_url(request, slug)
    require(request, "municipalities.add_invitation", circle, circle)
    me = membership_in(request.user, circle)
    roles = services.roles_they_may_invite(request.user, circle)
    # Coordinators invite into their own municipality: it is never taken from the form.
    fixed = me.municipality if me.role == Role.COORDINATOR else None
    form = InvitationForm(
        request.POST or None,
        circle=circle,
        roles=roles,
        municipality=fixed,
        initial={"municipality": request.GET.get("gemeente")},
    )
    if request.method == "POST" and form.is_valid() and _send_invitation(request, circle, form):
        if fixed:
            return redirect("municipalities:members", circle.slug, fixed.cbs_code)
        return redirect("municipalities:participants", circle.slug)
    return render(request, "municipalities/invite.html", {"circle": circle, "form": form})


def _invitation(request: HttpRequest, circle: Circle, pk: int) -> Invitation:
    invitation = get_object_or_404(
        Invitation.objects.select_related("municipality", "circle"), circle=circle, pk=pk
    )
    require(request, "municipalities.change_invitation", invitation, circle)
    return invitation


def _back_to_invitations(invitation: Invitation):
    if invitation.municipality_id:
        return redirect(
            "municipalities:members", invitation.circle.slug, invitation.municipality.cbs_code
        )
    return redirect("municipalities:participants", invitation.circle.slug)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = circle_from_url(request, slug)
    invitation = _invitation(request, circle, pk)
    try:
        services.resend_invitation(invitation, by=request.user, request=request)
    except services.ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s has been sent again.") % {"email": invitation.email},
        )
    return _back_to_invitations(invitation)


@login_required
@GET_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: the confirmation page; POST: revoke."""
    circle = circle_from_url(request, slug)
    invitation = _invitation(request, circle, pk)
    if request.method == "GET":
        return render(
            request,
            "municipalities/invitation_revoke.html",
            {
                "circle": circle,
                "invitation": invitation,
                "back_url": _back_to_invitations(invitation).url,
            },
        )
    try:
        services.revoke_invitation(invitation, by=request.user, request=request)
    except services.ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s has been revoked.") % {"email": invitation.email},
        )
    return _back_to_invitations(invitation)


@login_required
@GET_POST
def membership_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = circle_from_url(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "municipality"), circle=circle, pk=pk
    )
    require(request, "municipalities.delete_membership", membership, circle)
    if request.method == "POST":
        try:
            services.remove_membership(membership, by=request.user, request=request)
        except services.ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(name)s no longer has a role in the circle.") % {"name": membership.user},
            )
        return redirect("municipalities:participants", circle.slug)
    return render(
        request,
        "municipalities/membership_remove.html",
        {"circle": circle, "membership": membership},
    )


@login_required
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    circle = circle_from_url(request, slug)
    require(request, "leerkring.view_auditevent", circle, circle)
    log = AuditEvent.objects.filter(circle=circle)
    people = list(User.objects.filter(pk__in=log.values("actor_id")).order_by("name", "email"))
    codes = set(log.order_by().values_list("action", flat=True).distinct())
    form = AuditLogFilterForm(
        request.GET or None,
        people=people,
        kinds=audit.circle_log_kinds(),
        other_codes=sorted(code for code in codes if audit.kind_of(code) is None),
    )
    events = log.select_related("actor")
    if form.is_bound:
        form.is_valid()  # errors show at their fields; the filters that are valid still apply
        events = form.filter(events)
    page = Paginator(events, AUDIT_LOG_PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = [
        {"event": event, "description": audit.describe(event), "details": audit.details(event)}
        for event in page.object_list
    ]
    return render(
        request,
        "municipalities/audit_log.html",
        {
            "circle": circle,
            "page": page,
            "rows": rows,
            "form": form,
            "filtered": any(request.GET.get(name) for name in form.fields),
        },
    )


# --- The invitation link (no account needed) ---------------------------------------------------


@cache_control(private=True, no_store=True)  # shows the invitee's address and name
@GET_POST
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation, state = services.read_token(token)
    if state != "valid":
        return render(
            request,
            "municipalities/invitation_unusable.html",
            {"invitation": invitation, "state": state, "token": token},
            status=410 if invitation else 404,
        )
    context = {"invitation": invitation, "token": token}
    user = request.user
    if user.is_authenticated:
        if request.method == "POST":
            try:
                services.accept_invitation(invitation, user, request=request)
            except services.ServiceError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request, _("Welcome to %(circle)s.") % {"circle": invitation.circle}
                )
                return redirect("municipalities:circle", invitation.circle.slug)
        return render(request, "municipalities/invitation_accept_existing.html", context)
    if services.has_account(invitation.email):
        messages.info(
            request,
            _("You already have an account: log in with %(email)s to accept the invitation.")
            % {"email": invitation.email},
        )
        return redirect_to_login(request.get_full_path(), reverse("account_login"))
    form = AcceptInvitationForm(
        request.POST or None, email=invitation.email, initial={"name": invitation.name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation_with_new_account(
                invitation,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
                request=request,
            )
        except services.ServiceError as error:
            messages.error(request, str(error))
        else:
            # The password was typed just now: MFA set-up must not ask for it again.
            get_account_adapter(request).record_new_password(request, user)
            # allauth logs the new account in, as after any sign-up.
            return complete_signup(
                request,
                user,
                email_verification="none",
                success_url=reverse("municipalities:circle", args=[invitation.circle.slug]),
            )
    context["form"] = form
    return render(request, "municipalities/invitation_accept_new.html", context)


@cache_control(private=True, no_store=True)
@require_POST
def invitation_renew(request: HttpRequest, token: str) -> HttpResponse:
    invitation, state = services.read_token(token)
    if invitation is None or state in ("valid", "accepted"):
        return redirect("invitation_accept", token)
    services.request_new_invitation(invitation, request=request)
    # The same answer whether or not a message went out: no hint about rate limits or people.
    messages.success(
        request,
        _("Your request has been passed on. You will receive a new invitation by e-mail."),
    )
    return render(
        request,
        "municipalities/invitation_unusable.html",
        {"invitation": invitation, "state": state, "token": token, "requested": True},
    )
