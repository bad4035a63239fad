from django.contrib import admin

from sessions.models import AgendaItem, Meeting, Outcome, Registration


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0
    autocomplete_fields = ["assignee"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    """For platform staff; organisers plan meetings on the circle's pages, where changes of
    time or place send notices."""

    list_display = ["title", "circle", "kind", "starts_at", "capacity", "cancelled_at"]
    list_filter = ["circle", "kind"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline, OutcomeInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["user", "meeting", "status", "created_at", "attended"]
    list_filter = ["status", "meeting__circle"]
    search_fields = ["user__email", "meeting__title"]
    autocomplete_fields = ["user"]
