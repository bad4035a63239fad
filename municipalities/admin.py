from django import forms
from django.contrib import admin

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

    def clean(self):
        cleaned = super().clean()
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


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "changed_by", "changed_at", "note"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    """Statuses move through the circle's pages (with history and audit); here they are read."""

    list_display = ["municipality", "circle", "status"]
    list_filter = ["circle", "status"]
    # Intake notes are for the circle's researchers, not for platform staff.
    fields = ["circle", "municipality", "status"]
    readonly_fields = ["status"]
    inlines = [StatusChangeInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "circle", "role", "municipality", "created_at"]
    list_filter = ["circle", "role"]
    search_fields = ["user__email", "user__name"]
    autocomplete_fields = ["user"]

    def has_change_permission(self, request, obj=None) -> bool:
        # A role is granted or removed, never edited in place: both go through the services,
        # which check them and record them in the audit log.
        return False

    def save_model(self, request, obj, form, change):
        saved = services.grant_membership(
            obj.user, obj.circle, obj.role, obj.municipality, by=request.user, request=request
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.remove_membership(obj, by=request.user, request=request)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "circle"):
            services.remove_membership(membership, by=request.user, request=request)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "circle", "role", "municipality", "status", "expires_at"]
    list_filter = ["circle", "status", "role"]
    search_fields = ["email"]
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
