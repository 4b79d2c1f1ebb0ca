"""The confirmation of a contract's deletion."""

from django import forms

from quartiers.core.forms import BaseForm


class ContractDeletionForm(BaseForm):
    confirmation = forms.CharField(
        label="Identifiant du contrat",
        max_length=100,
        help_text="Saisissez l'identifiant du contrat pour confirmer la suppression.",
    )
