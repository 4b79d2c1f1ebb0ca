"""Sign-in, passwords and "Mon compte"."""

from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages.views import SuccessMessageMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from quartiers.accounts import services
from quartiers.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    SetPasswordForm,
)
from quartiers.accounts.models import Notification
from quartiers.core import ratelimit
from quartiers.core.clients import client_address

# Sign-in and passwords: Django's views, our forms and templates.


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(oidc_enabled=settings.OIDC_ENABLED, **kwargs)

    def form_invalid(self, form):
        for error in form.errors.as_data().get("__all__", []):
            if isinstance(error, ratelimit.RateLimited):
                return ratelimit.refusal(self.request, error)
        return super().form_invalid(form)


@method_decorator(login_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    """POST only (Django's default); a stale session is simply sent home."""


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password-reset-done")  # the form queues the e-mail

    def form_valid(self, form):
        try:
            services.allow_password_reset(
                email=form.cleaned_data["email"], address=client_address(self.request)
            )
        except ratelimit.RateLimited as error:
            return ratelimit.refusal(self.request, error)
        return super().form_valid(form)


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
    return render(
        request,
        "accounts/my_account.html",
        {"form": form, "organisations": request.user.organisations.all()},
    )


# Notifications: what happened for the person signed in (see `services.notify`).

NOTIFICATIONS_SHOWN = 100


def notifications(request):
    notifications = Notification.objects.filter(user=request.user).select_related("notice")
    return render(
        request,
        "accounts/notifications.html",
        {"notifications": notifications[:NOTIFICATIONS_SHOWN]},
    )


@require_POST
def notification_read(request, pk):
    """Mark one of the person's notifications read (another person's is a 404)."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.mark_notifications_read(user=request.user, notification=notification)
    return redirect("accounts:notifications")


@require_POST
def notifications_read(request):
    count = services.mark_notifications_read(user=request.user)
    if count:
        messages.success(request, "Toutes vos notifications sont marquées comme lues.")
    return redirect("accounts:notifications")
