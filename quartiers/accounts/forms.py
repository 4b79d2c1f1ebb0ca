"""Forms of sign-in, account and organisations (DSFR rendering via the base forms)."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError

from quartiers.accounts import permissions, services
from quartiers.accounts.models import Organisation, User
from quartiers.accounts.validators import normalise_number
from quartiers.core.clients import client_address
from quartiers.core.forms import BaseForm, BaseModelForm


class ThrottledLoginMixin:
    """Before checking a password: refuse an address that failed too many sign-ins lately,
    over any accounts (services.SIGN_IN_FAILURES); each wrong password counts for it."""

    def clean(self):
        address = client_address(self.request)
        services.check_sign_in_allowed(address=address)
        try:
            return super().clean()
        except ValidationError as error:
            if error.code == "invalid_login":
                services.record_sign_in_failure(address=address)
            raise


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's sign-in page counts and refuses like ours (see accounts/admin.py)."""


class LoginForm(ThrottledLoginMixin, BaseForm, auth_forms.AuthenticationForm):
    """E-mail and password; Django's form passes `request` to `authenticate` (django-axes)."""

    username = forms.EmailField(
        label="Adresse électronique",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class PasswordResetForm(BaseForm, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def save(self, **kwargs):
        """Queue the e-mail: looking the address up in the request would time it (an oracle)."""
        services.request_password_reset(email=self.cleaned_data["email"])


class SetPasswordForm(BaseForm, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(BaseForm, auth_forms.PasswordChangeForm):
    pass


class ProfileForm(BaseModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name"]
        labels = {"first_name": "Prénom", "last_name": "Nom"}


class OrganisationForm(BaseModelForm):
    # Longer than the 14 digits: people paste SIRETs with spaces, removed by clean_siret().
    siret = forms.CharField(
        label="SIRET", max_length=20, required=False, help_text="14 chiffres, espaces acceptés."
    )

    class Meta:
        model = Organisation
        fields = ["name", "acronym", "kind", "siret", "rna", "address"]
        labels = {
            "name": "Nom",
            "acronym": "Sigle",
            "kind": "Nature",
            "rna": "Numéro RNA",
            "address": "Adresse",
        }
        help_texts = {"rna": "Pour une association : W suivi de 9 caractères."}
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        previous = self.instance.kind if self.instance.pk else None
        field = self.fields["kind"]
        field.choices = [
            (value, label)
            for value, label in field.choices
            if permissions.can_set_kind(user, value, previous)
        ]
        field.disabled = len(field.choices) == 1  # a public institution's, for its members

    def clean_siret(self):
        return normalise_number(self.cleaned_data["siret"])

    def clean_rna(self):
        return self.cleaned_data["rna"].strip().upper()
