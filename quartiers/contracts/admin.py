"""Admin of the contract data, so that a chef de projet can correct what was imported."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from quartiers.contracts import models

PROVENANCE_FIELDS = ("source_document", "source_line", "raw_cells")


@admin.register(models.Epci)
class EpciAdmin(admin.ModelAdmin):
    list_display = ["name", "siren"]
    search_fields = ["name", "siren"]


@admin.register(models.Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code", "epci"]
    list_filter = ["epci"]
    search_fields = ["name", "insee_code"]
    autocomplete_fields = ["epci"]


@admin.register(models.SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "format", "imported_at"]
    list_filter = ["format"]
    search_fields = ["name", "title", "sha256"]
    readonly_fields = ["sha256", "format", "lines", "imported_at"]


class QpvInline(admin.TabularInline):
    model = models.Qpv
    extra = 0
    fields = ["code", "name"]


class AmendmentInline(admin.TabularInline):
    model = models.Amendment
    extra = 0
    fields = ["kind", "title", "signed_on", "starts_on", "ends_on"]


@admin.register(models.Contract)
class ContractAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "territory", "epci", "generation", "signed_on", "ends_on"]
    list_filter = ["generation", "epci"]
    search_fields = ["name", "slug", "territory"]
    autocomplete_fields = ["epci", "communes", "source_document"]
    inlines = [QpvInline, AmendmentInline]


class ContractChildAdmin(admin.ModelAdmin):
    """Admin of a model with a `contract` foreign key: filter and search by contract."""

    list_filter = ["contract"]
    autocomplete_fields = ["contract"]
    list_select_related = ["contract"]


@admin.register(models.Qpv)
class QpvAdmin(ContractChildAdmin):
    list_display = ["name", "code", "contract"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["contract", "communes"]


@admin.register(models.Amendment)
class AmendmentAdmin(ContractChildAdmin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "contract", "signed_on", "ends_on"]
    list_filter = ["contract", "kind"]
    search_fields = ["title"]
    readonly_fields = PROVENANCE_FIELDS


@admin.register(models.Partner)
class PartnerAdmin(ContractChildAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "parent", "is_grid_column", "position", "contract"]
    list_filter = ["contract", "kind", "is_grid_column"]
    list_select_related = ["contract", "parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["contract", "parent"]
    readonly_fields = PROVENANCE_FIELDS


@admin.register(models.Signatory)
class SignatoryAdmin(ContractChildAdmin, SimpleHistoryAdmin):
    list_display = ["partner", "representative", "signed_on", "contract"]
    list_select_related = ["contract", "partner"]
    search_fields = ["partner__code", "partner__name", "representative"]
    autocomplete_fields = ["contract", "partner"]


class ThemeInline(admin.TabularInline):
    model = models.Theme
    extra = 0
    fields = ["name", "position"]


@admin.register(models.Pillar)
class PillarAdmin(ContractChildAdmin):
    list_display = ["name", "position", "contract"]
    search_fields = ["name"]
    readonly_fields = PROVENANCE_FIELDS
    inlines = [ThemeInline]


@admin.register(models.Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "pillar", "position"]
    list_filter = ["pillar__contract", "pillar"]
    list_select_related = ["pillar"]
    search_fields = ["name", "pillar__name"]
    autocomplete_fields = ["pillar"]


@admin.register(models.Priority)
class PriorityAdmin(ContractChildAdmin):
    list_display = ["label", "kind", "position", "contract"]
    list_filter = ["contract", "kind"]
    search_fields = ["label", "details"]
    readonly_fields = PROVENANCE_FIELDS


@admin.register(models.GovernanceBody)
class GovernanceBodyAdmin(ContractChildAdmin):
    list_display = ["name", "position", "contract"]
    search_fields = ["name"]
    readonly_fields = PROVENANCE_FIELDS


@admin.register(models.Contribution)
class ContributionAdmin(ContractChildAdmin, SimpleHistoryAdmin):
    list_display = ["__str__", "partner", "position", "contract"]
    list_filter = ["contract", "partner__kind"]
    list_select_related = ["contract", "partner"]
    search_fields = ["title", "text", "partner__code"]
    autocomplete_fields = ["contract", "partner"]
    readonly_fields = PROVENANCE_FIELDS


@admin.register(models.GlossaryEntry)
class GlossaryEntryAdmin(ContractChildAdmin):
    list_display = ["acronym", "meaning", "contract"]
    search_fields = ["acronym", "meaning"]
    readonly_fields = PROVENANCE_FIELDS


class EngagementRoleInline(admin.TabularInline):
    model = models.EngagementRole
    extra = 0
    fields = ["partner", "service", "role"]
    autocomplete_fields = ["partner", "service"]


@admin.register(models.Engagement)
class EngagementAdmin(ContractChildAdmin, SimpleHistoryAdmin):
    list_display = ["number", "short_text", "pillar", "theme", "contract"]
    list_display_links = ["number", "short_text"]
    list_filter = ["contract", "pillar", "theme", "roles__role"]
    list_select_related = ["contract", "pillar", "theme"]
    search_fields = ["text", "=number"]
    autocomplete_fields = ["contract", "pillar", "theme"]
    readonly_fields = PROVENANCE_FIELDS
    inlines = [EngagementRoleInline]

    @admin.display(description="texte")
    def short_text(self, obj):
        return obj.text[:120]


@admin.register(models.EngagementRole)
class EngagementRoleAdmin(SimpleHistoryAdmin):
    list_display = ["engagement", "partner", "service", "role"]
    list_filter = ["engagement__contract", "role", "partner__code"]
    list_select_related = ["engagement", "partner", "service"]
    search_fields = ["engagement__text", "partner__code", "service__code"]
    autocomplete_fields = ["engagement", "partner", "service"]


@admin.register(models.ImportWarning)
class ImportWarningAdmin(ContractChildAdmin):
    list_display = ["message", "code", "line", "reviewed", "contract"]
    list_editable = ["reviewed"]
    list_filter = ["contract", "reviewed", "code"]
    search_fields = ["message", "code"]
    autocomplete_fields = ["contract", "source_document", "partner", "engagement"]
