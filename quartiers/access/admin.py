"""Admin of roles per contract (granted and revoked through the services) and the journal."""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from quartiers.access import services
from quartiers.access.enums import ROLES_WITH_ORGANISATION, ContractRole
from quartiers.access.models import Event, RoleAssignment


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["user", "contract", "role", "organisation"]

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role in ROLES_WITH_ORGANISATION and not cleaned.get("organisation"):
            self.add_error(
                "organisation",
                f"Le rôle « {ContractRole(role).label} » s'exerce pour une organisation.",
            )
        return cleaned


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    """A role is granted or revoked, never edited: revoke it and grant another one."""

    form = RoleAssignmentForm
    list_display = ["user", "role", "organisation", "contract", "granted_by", "granted_at"]
    list_filter = ["contract", "role"]
    list_select_related = ["user", "organisation", "contract", "granted_by"]
    search_fields = ["user__email", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "contract", "organisation"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["user", "contract", "role", "organisation", "granted_by", "granted_at"]

    def save_model(self, request, obj, form, change):
        if change:
            return  # every field is read-only once granted
        assignment = services.grant_role(
            contract=obj.contract,
            user=obj.user,
            role=obj.role,
            organisation=obj.organisation,
            by=request.user,
        )
        obj.pk = assignment.pk
        obj.granted_by = assignment.granted_by
        obj.granted_at = assignment.granted_at

    def delete_model(self, request, obj):
        services.revoke_role(assignment=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for assignment in queryset.select_related("user", "contract"):
            services.revoke_role(assignment=assignment, by=request.user)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["at", "verb", "summary", "contract", "actor"]
    list_filter = ["verb", "contract"]
    list_select_related = ["contract", "actor"]
    search_fields = ["summary", "verb"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
