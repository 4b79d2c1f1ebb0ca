"""Admin of people, organisations and roles; writes of roles and organisations use the services."""

from django import forms
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from simple_history.admin import SimpleHistoryAdmin

from quartiers.accounts import services
from quartiers.accounts.enums import ROLES_WITH_ORGANISATION, ContractRole
from quartiers.accounts.models import Event, Membership, Organisation, RoleAssignment, User


class UserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)
        field_classes: dict = {}

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes: dict = {}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name")}),
        (
            "Droits",
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["email"]

    def get_inlines(self, request, obj):
        return [MembershipInline] if obj is not None else []


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "acronym", "kind", "siret", "parent"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "acronym", "siret"]
    autocomplete_fields = ["parent"]

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        services.save_organisation(organisation=obj, by=request.user)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


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
