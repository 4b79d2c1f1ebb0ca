"""Admin of people and organisations; writes of organisations use the services."""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from quartiers.accounts import services
from quartiers.accounts.forms import AdminLoginForm
from quartiers.accounts.models import Membership, Notice, Notification, Organisation, User

# The admin's sign-in page is throttled per address like ours (django-axes covers both).
admin.site.login_form = AdminLoginForm


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
    list_display = ["name", "acronym", "kind", "is_state", "siret", "parent"]
    list_filter = ["kind", "is_state"]
    list_select_related = ["parent"]
    search_fields = ["name", "acronym", "siret"]
    autocomplete_fields = ["parent"]

    def get_readonly_fields(self, request, obj=None):
        return () if request.user.is_superuser else ("is_state",)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        user = request.user

        class KindCheckedForm(form):
            """The nature rule of `save_model`'s service, shown next to the field."""

            def clean_kind(self):
                kind = self.cleaned_data["kind"]
                error = services.kind_error(organisation=self.instance, kind=kind, by=user)
                if error:
                    raise ValidationError(error)
                return kind

        return KindCheckedForm

    def save_model(self, request, obj, form, change):
        services.save_organisation(organisation=obj, by=request.user)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "funder_admin"]
    list_filter = ["funder_admin"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


class NotificationInline(admin.TabularInline):
    model = Notification
    extra = 0
    fields = ("user", "read_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Read-only: notices are written by `services.notify` only."""

    list_display = ("text", "created_at", "key")
    search_fields = ("text", "key")
    readonly_fields = ("text", "link", "key", "created_at")
    inlines = [NotificationInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("notice", "user", "read_at")
    list_select_related = ("notice", "user")
    search_fields = ("user__email", "notice__text")
    readonly_fields = ("notice", "user", "read_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
