from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from leerkring.admin import ReadOnlyAdminMixin
from municipalities import services
from municipalities.models import (
    MUNICIPAL_ROLES,
    Invitation,
    Membership,
    Municipality,
    Participation,
    StatusChange,
)


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "circle", "role", "municipality"]

    # Set by MembershipAdmin.get_form: the staff member filling in the form.
    requester = None

    def clean(self):
        cleaned = super().clean()
        if self.requester is not None and cleaned.get("user") == self.requester:
            # Staff read a circle's reflections and logs only through a role someone else gave
            # them: nobody grants themselves one here.
            self.add_error("user", _("You cannot give yourself a role in a circle."))
        circle, role = cleaned.get("circle"), cleaned.get("role")
        if circle and role in MUNICIPAL_ROLES:
            try:
                services.require_active_participation(circle, cleaned.get("municipality"))
            except services.ServiceError as error:
                self.add_error("municipality", str(error))
        return cleaned


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "cbs_code", "province", "inhabitants"]
    list_filter = ["province"]
    search_fields = ["name", "cbs_code"]


class StatusChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "changed_by", "changed_at", "note"]


@admin.register(Participation)
class ParticipationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: municipalities join a circle and move through the recruitment statuses on
    the circle's pages, with history and audit (a withdrawal revokes their invitations)."""

    list_display = ["municipality", "circle", "status"]
    list_filter = ["circle", "status"]
    # Intake notes are for the circle's researchers, not for platform staff.
    fields = ["circle", "municipality", "status"]
    inlines = [StatusChangeInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "circle", "role", "municipality", "created_at"]
    list_filter = ["circle", "role"]
    search_fields = ["user__email", "user__name"]
    autocomplete_fields = ["user"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"requester": request.user})

    def has_change_permission(self, request, obj=None) -> bool:
        # A role is granted or removed, never edited in place: both go through the services,
        # which check them and record them in the audit log.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # The service refuses removing one's own role (another researcher does that).
        if obj is not None and obj.user_id == request.user.pk:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        saved = services.grant_membership(
            obj.user, obj.circle, obj.role, obj.municipality, by=request.user, request=request
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.remove_membership(obj, by=request.user, request=request)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "circle"):
            try:
                services.remove_membership(membership, by=request.user, request=request)
            except services.ServiceError as error:
                self.message_user(request, f"{membership}: {error}", messages.ERROR)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: invitations are sent, re-sent and revoked on the circle's pages, which check
    who may invite and record it."""

    list_display = ["email", "circle", "role", "municipality", "status", "expires_at"]
    list_filter = ["circle", "status", "role"]
    search_fields = ["email"]
    readonly_fields = [f.name for f in Invitation._meta.fields]
