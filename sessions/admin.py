from django.contrib import admin

from leerkring.admin import ReadOnlyAdminMixin
from sessions.models import AgendaItem, Meeting, Outcome, Registration


class AgendaItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AgendaItem
    extra = 0


class OutcomeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Outcome
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only for platform staff: organisers plan meetings on the circle's pages, where
    changes of time or place and cancellations send notices, and agendas, outcomes and
    agreements are kept."""

    list_display = ["title", "circle", "kind", "starts_at", "capacity", "cancelled_at"]
    list_filter = ["circle", "kind"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline, OutcomeInline]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: registering, unregistering and moving up from the waiting list go through
    the services, which keep a meeting within its capacity."""

    list_display = ["user", "meeting", "status", "created_at", "attended"]
    list_filter = ["status", "meeting__circle"]
    search_fields = ["user__email", "meeting__title"]
    list_select_related = ["user", "meeting"]
