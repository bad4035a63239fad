"""The Django admin, for platform staff: accounts and circles.

Everything inside a circle that sends notices, fills seats or keeps a history (meetings,
registrations, outcomes, invitations, participations) is read-only here and changed on the
circle's pages, through the services; memberships are granted and removed through theirs.
Staff who are not superusers see only what their admin permissions let them use, and the
"Administration" link only if there is something (`can_use_admin`).
"""

from functools import wraps

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from leerkring import audit
from leerkring.models import AuditEvent, Circle, CoreQuestion, OutgoingEmail, User


def can_use_admin(request: HttpRequest) -> bool:
    """Whether the admin has anything for this person: an active staff account that is a
    superuser or has at least one admin permission that opens a page. Staff without one are
    treated as not staff, so they never land on an admin that says they may see nothing."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    if not hasattr(request, "_can_use_admin"):
        request._can_use_admin = bool(admin.site.get_app_list(request))
    return request._can_use_admin


_allauth_admin_login = secure_admin_login(admin.site.login)


def admin_login(request: HttpRequest, extra_context=None) -> HttpResponseRedirect:
    """Staff log in through allauth (rate limits, second factor), never through Django's own
    admin login form: anonymous people are sent to allauth's page, people who may use the
    admin go on to it, anyone else logged in is refused (and the refusal recorded)."""
    if not request.user.is_authenticated:
        return _allauth_admin_login(request, extra_context)
    if not can_use_admin(request):
        audit.record("permission.denied", actor=request.user, request=request, path=request.path)
        raise PermissionDenied
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    return HttpResponseRedirect(target or reverse("admin:index", current_app=admin.site.name))


_admin_view = admin.site.admin_view


def audited_admin_view(view, cacheable=False):
    """The admin's own permission check, with refusals (403) in the audit log like every other
    refused request."""
    checked = _admin_view(view, cacheable)

    @wraps(checked)
    def wrapper(request, *args, **kwargs):
        try:
            return checked(request, *args, **kwargs)
        except PermissionDenied:
            audit.record(
                "permission.denied", actor=request.user, request=request, path=request.path
            )
            raise

    return wrapper


def admin_password_change(request: HttpRequest, extra_context=None) -> HttpResponseRedirect:
    # allauth's page asks for the current password, records the change and tells the person.
    return redirect("account_change_password")


admin.site.site_header = "Leerkring"
admin.site.site_title = "Leerkring"
admin.site.has_permission = can_use_admin
admin.site.admin_view = audited_admin_view
admin.site.login = admin_login
admin.site.password_change = admin_password_change


class ReadOnlyAdminMixin:
    """Staff may look, not add, change or delete: those writes belong to the services."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Others in a circle know a person by name; without one they would see nothing.
        self.fields["name"].required = True


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
    form = UserEditForm
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal details"), {"fields": ["name"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "name", "usable_password", "password1", "password2"],
            },
        ),
    ]
    # Only superusers hand out admin rights: staff who manage accounts cannot raise their own.
    privilege_fields = ["is_staff", "is_superuser", "groups", "user_permissions"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += self.privilege_fields
        return readonly

    def has_change_permission(self, request, obj=None) -> bool:
        # Staff who are not superusers manage ordinary accounts only: changing the password or
        # address of a staff account would let them take it over.
        if (
            obj is not None
            and obj.is_staff
            and obj.pk != request.user.pk
            and not request.user.is_superuser
        ):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting a person would drop their registrations without filling the seats they free
        # and their roles without revoking what they sent: accounts are deactivated instead.
        return False


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """Groups carry admin permissions, so only superusers manage them."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)


class CoreQuestionInline(admin.TabularInline):
    model = CoreQuestion
    extra = 0


@admin.register(Circle)
class CircleAdmin(admin.ModelAdmin):
    inlines = [CoreQuestionInline]
    list_display = ["name", "kind", "start_date", "end_date"]
    list_filter = ["kind"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting a circle would silently take its meetings (no cancellation notices), roles
        # and invitations with it; a circle ends on its end date and its history stays.
        return False


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the outbox is a record of what was sent, changed only by the delivery task."""

    list_display = ["subject", "to", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Append-only: staff can read the log, nobody can add, change or delete entries."""

    list_display = ["created_at", "action", "actor_email", "circle", "target_repr", "ip_address"]
    list_filter = ["action", "circle"]
    search_fields = ["actor_email", "target_repr"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
