"""Sign-in, "Mon compte", organisations and the people of a contract."""

from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from quartiers.accounts import permissions, services
from quartiers.accounts.enums import ContractRole
from quartiers.accounts.forms import (
    InviteForm,
    LoginForm,
    OrganisationForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    SetPasswordForm,
)
from quartiers.accounts.models import RoleAssignment
from quartiers.contracts.models import Contract
from quartiers.core import history

# Sign-in and passwords: Django's views, our forms and templates.


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(oidc_enabled=settings.OIDC_ENABLED, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    """POST only (Django's default); a stale session is simply sent home."""


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    email_template_name = "accounts/emails/password_reset_body.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    @property
    def extra_email_context(self):
        return {"site_name": settings.SITE_NAME}


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a password: after a reset request, or the first one after an invitation."""

    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Proving control of the mailbox lifts a lockout after failed sign-ins.
        reset_login_failures(username=form.user.email)
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:my-account")
    success_message = "Votre mot de passe a été modifié."
    extra_context = {"breadcrumb": [("Mon compte", reverse_lazy("accounts:my-account"))]}


# Mon compte


def my_account(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(user=request.user, **form.cleaned_data)
        messages.success(request, "Votre nom a été enregistré.")
        return redirect("accounts:my-account")
    assignments = (
        RoleAssignment.objects.for_user(request.user)
        .select_related("contract", "organisation")
        .order_by("contract__name", "role")
    )
    return render(
        request,
        "accounts/my_account.html",
        {
            "form": form,
            "organisations": request.user.organisations.all(),
            "assignments": assignments,
        },
    )


# Organisations


def _breadcrumb_organisations():
    return [("Organisations", reverse("accounts:organisation-list"))]


def _visible_organisation(user, pk):
    """The organisation if `user` may read it; 404 otherwise (its existence is not public)."""
    return get_object_or_404(
        permissions.visible_organisations(user).select_related("parent"), pk=pk
    )


def organisation_list(request):
    organisations = permissions.visible_organisations(request.user).select_related("parent")
    return render(request, "accounts/organisation_list.html", {"organisations": organisations})


def organisation_detail(request, pk):
    organisation = _visible_organisation(request.user, pk)
    can_edit = permissions.can_edit_organisation(request.user, organisation)
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "breadcrumb": _breadcrumb_organisations(),
            "can_edit": can_edit,
            "members": organisation.members.all(),
            "children": organisation.children.all(),
            "entries": history.entries(organisation.history.all()) if can_edit else [],
        },
    )


def organisation_edit(request, pk):
    organisation = _visible_organisation(request.user, pk)
    if not permissions.can_edit_organisation(request.user, organisation):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_organisation(organisation=form.instance, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "L'organisation a été enregistrée.")
            return redirect(organisation)
    breadcrumb = [
        *_breadcrumb_organisations(),
        (str(organisation), organisation.get_absolute_url()),
    ]
    return render(
        request,
        "accounts/organisation_form.html",
        {"organisation": organisation, "form": form, "breadcrumb": breadcrumb},
    )


# People and roles of a contract

# Roles in the order of their declaration (chef·fe de projet first), not alphabetically.
ROLE_ORDER = Case(*(When(role=role, then=Value(i)) for i, role in enumerate(ContractRole)))


def _contract_for_role_management(request, slug):
    contract = get_object_or_404(Contract, slug=slug)
    if not permissions.can_manage_roles(request.user, contract):
        raise PermissionDenied
    return contract


def contract_roles(request, slug):
    contract = _contract_for_role_management(request, slug)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                user = services.invite_user(
                    email=data["email"],
                    by=request.user,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    organisation=data["organisation"],
                )
                assignment = services.grant_role(
                    contract=contract,
                    user=user,
                    role=data["role"],
                    organisation=data["organisation"],
                    by=request.user,
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"Invitation envoyée à {user.email} : {assignment.get_role_display()}"
                + (f" pour {assignment.organisation}." if assignment.organisation else "."),
            )
            return redirect("accounts:contract-roles", slug=contract.slug)
    assignments = (
        RoleAssignment.objects.for_contract(contract)
        .select_related("user", "organisation", "granted_by")
        .order_by(ROLE_ORDER, "user__last_name", "user__first_name", "user__email")
    )
    return render(
        request,
        "accounts/contract_roles.html",
        {
            "contract": contract,
            "breadcrumb": [
                ("Contrats", reverse("contracts:contract-list")),
                (contract.name, contract.get_absolute_url()),
            ],
            "assignments": assignments,
            "form": form,
        },
    )


@require_POST
def revoke_role(request, slug, pk):
    contract = _contract_for_role_management(request, slug)
    assignment = get_object_or_404(
        RoleAssignment.objects.for_contract(contract).select_related("user"), pk=pk
    )
    services.revoke_role(assignment=assignment, by=request.user)
    messages.success(
        request,
        f"Rôle « {assignment.get_role_display()} » retiré à "
        f"{assignment.user.get_full_name() or assignment.user.email}.",
    )
    return redirect("accounts:contract-roles", slug=contract.slug)
