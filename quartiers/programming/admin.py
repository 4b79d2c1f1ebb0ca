"""Admin of the programming: calls are edited here; applications are read, not rewritten.

Statuses only change through `programming.services` (every change is a StatusChange), so
they are read-only here; a call is opened with the « Ouvrir » action, which calls the service.
"""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from quartiers.programming import models, services


class CallFunderInline(admin.TabularInline):
    model = models.CallFunder
    extra = 0
    fields = ["organisation", "envelope"]
    autocomplete_fields = ["organisation"]


class RequiredAttachmentInline(admin.TabularInline):
    model = models.RequiredAttachment
    extra = 0
    fields = ["label", "mandatory"]


class GridCriterionInline(admin.TabularInline):
    model = models.GridCriterion
    extra = 0
    fields = ["label", "weight", "max_score", "position"]


@admin.register(models.CallForProjects)
class CallForProjectsAdmin(SimpleHistoryAdmin):
    list_display = ["title", "year", "contract", "status", "opens_on", "deadline"]
    list_filter = ["status", "contract"]
    list_select_related = ["contract"]
    search_fields = ["title", "contract__name"]
    autocomplete_fields = ["contract", "previous", "priorities", "engagements"]
    readonly_fields = ["uuid", "status"]
    inlines = [CallFunderInline, RequiredAttachmentInline, GridCriterionInline]
    actions = ["open_calls"]

    @admin.action(description="Ouvrir les appels sélectionnés aux porteurs")
    def open_calls(self, request, queryset):
        for call in queryset.select_related("contract"):
            services.open_call(call=call, by=request.user)
        self.message_user(request, f"{queryset.count()} appel(s) ouvert(s).", messages.SUCCESS)


class ReadOnlyInline(admin.TabularInline):
    """Rows written by services only: shown, never added, changed or deleted here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BudgetLineInline(ReadOnlyInline):
    model = models.BudgetLine
    fields = ["side", "account", "label", "amount", "funder"]


class FundingRequestInline(ReadOnlyInline):
    model = models.FundingRequest
    fields = ["funder", "requested", "proposed", "granted", "committed", "paid"]


class AttachmentInline(ReadOnlyInline):
    model = models.Attachment
    fields = ["name", "required", "content_type", "size", "uploaded_at"]


class ApplicationVersionInline(ReadOnlyInline):
    model = models.ApplicationVersion
    fields = ["number", "submitted_at", "submitted_by"]


class StatusChangeInline(ReadOnlyInline):
    model = models.StatusChange
    fields = ["at", "from_status", "to_status", "by", "comment"]


@admin.register(models.Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    """Read-mostly: the carrier writes the application; the admin corrects a typo at most."""

    list_display = ["title", "carrier", "call", "status", "submitted_at"]
    list_filter = ["status", "contract", "call"]
    list_select_related = ["carrier", "call"]
    search_fields = ["title", "carrier__name", "uuid"]
    readonly_fields = [
        "uuid",
        "contract",
        "call",
        "action",
        "carrier",
        "status",
        "renewal_of",
        "submitted_at",
        "report_override",
        "created_at",
        "updated_at",
    ]
    autocomplete_fields = ["qpvs", "engagements", "pillar", "theme"]
    inlines = [
        BudgetLineInline,
        FundingRequestInline,
        AttachmentInline,
        ApplicationVersionInline,
        StatusChangeInline,
    ]

    def has_add_permission(self, request):
        return False  # an application starts with services.start_application

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.status in services.EDITABLE


@admin.register(models.Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "carrier", "contract"]
    list_filter = ["contract"]
    list_select_related = ["carrier", "contract"]
    search_fields = ["title", "carrier__name"]
    autocomplete_fields = ["contract", "carrier"]
    readonly_fields = ["uuid"]
