"""Forms of roles per contract (DSFR rendering via the base forms)."""

from django import forms
from django.utils.text import capfirst

from quartiers.access.enums import ROLES_WITH_ORGANISATION, ContractRole
from quartiers.accounts.models import Organisation
from quartiers.core.forms import BaseForm, IdempotentForm


class InviteForm(IdempotentForm, BaseForm):
    """Invite a person (or find them by e-mail) and give them a role on a contract."""

    email = forms.EmailField(label="Adresse électronique")
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
    role = forms.ChoiceField(
        label="Rôle",
        choices=[],
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.all(),
        required=False,
        empty_label="Aucune",
        help_text="Obligatoire pour un instructeur d'un financeur et pour un porteur de projet : "
        "un partenaire du contrat ou une organisation qui y a déjà un rôle.",
    )

    def __init__(self, *args, roles, organisations, **kwargs):
        """`roles` and `organisations`: what the person inviting may give (permissions)."""
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            ("", "Choisir un rôle"),
            *((r, capfirst(ContractRole(r).label)) for r in roles),
        ]
        self.fields["organisation"].queryset = organisations.order_by("name")

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role in ROLES_WITH_ORGANISATION and not cleaned.get("organisation"):
            self.add_error(
                "organisation",
                f"Le rôle « {ContractRole(role).label} » s'exerce pour une organisation : "
                "choisissez-la.",
            )
        return cleaned
