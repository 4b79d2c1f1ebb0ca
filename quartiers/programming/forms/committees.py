"""Forms of the committees: a session, the comité technique's opinion, a decision."""

from django import forms

from quartiers.core.forms import BaseForm, IdempotentForm
from quartiers.programming.enums import CommitteeKind, DecisionOutcome, Opinion

CHOOSE = ("", "— choisir —")


class SessionForm(IdempotentForm, BaseForm):
    kind = forms.ChoiceField(label="Instance", choices=CommitteeKind.choices)
    held_on = forms.DateField(
        label="Date de la séance",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class TechnicalOpinionForm(BaseForm):
    opinion = forms.ChoiceField(
        label="Avis du comité technique", choices=[CHOOSE, *Opinion.choices]
    )
    comment = forms.CharField(
        label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class DecisionForm(BaseForm):
    outcome = forms.ChoiceField(label="Décision", choices=[CHOOSE, *DecisionOutcome.choices])
    amount = forms.DecimalField(
        label="Montant accordé (€)",
        help_text="Requis pour une subvention accordée.",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    motivation = forms.CharField(
        label="Motivation", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, funder, **kwargs):
        super().__init__(*args, **kwargs)
        self["outcome"].label = f"Décision de {funder}"  # the bound field is already built
