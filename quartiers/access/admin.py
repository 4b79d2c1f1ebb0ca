"""Admin of roles per contract (granted and revoked through the services) and the journal."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from quartiers.access import permissions, services
from quartiers.access.enums import ROLES_WITH_ORGANISATION, ContractRole
from quartiers.access.models import Event, RoleAssignment


class RoleAssignmentForm(forms.ModelForm):
    granted_by = None  # the person using the admin, set by `RoleAssignmentAdmin.get_form`

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
        elif self.instance.pk is None and role and cleaned.get("contract") and cleaned.get("user"):
            try:
                services.check_grant(
                    contract=cleaned["contract"],
                    role=role,
                    organisation=cleaned.get("organisation")
                    if role in ROLES_WITH_ORGANISATION
                    else None,
                    by=self.granted_by,
                    to=cleaned["user"],
                )
            except ValidationError as exc:
                self.add_error(None, exc)
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

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.granted_by = request.user
        return form

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or permissions.can_revoke_role(request.user, obj))

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
        # `has_delete_permission` already refused the selection if any role is not ours.
        for assignment in queryset.select_related("user", "contract", "organisation"):
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
