"""Forms of the committees: a session, the comité technique's opinion, a decision."""

from django import forms

from quartiers.core.forms import (
    BaseForm,
    FastNumberInput,
    FastSelect,
    FastTextarea,
    IdempotentForm,
    use_project_field_templates,
)
from quartiers.programming.enums import CommitteeKind, DecisionOutcome, Opinion

CHOOSE = ("", "— choisir —")


class SessionForm(IdempotentForm, BaseForm):
    kind = forms.ChoiceField(label="Instance", choices=CommitteeKind.choices)
    held_on = forms.DateField(
        label="Date de la séance",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class TechnicalOpinionForm(BaseForm):
    # Left blank: not examined in this save (a session's table is filled in over the meeting).
    opinion = forms.ChoiceField(
        label="Avis du comité technique",
        choices=[CHOOSE, *Opinion.choices],
        required=False,
        widget=FastSelect,
    )
    comment = forms.CharField(
        label="Commentaire", widget=FastTextarea(attrs={"rows": 3}), required=False
    )


class DecisionForm(BaseForm):
    # Left blank: not decided in this save; the rules of a decision are the service's.
    outcome = forms.ChoiceField(
        label="Décision",
        choices=[CHOOSE, *DecisionOutcome.choices],
        required=False,
        widget=FastSelect,
    )
    amount = forms.DecimalField(
        label="Montant accordé (€)",
        help_text="Requis pour une subvention accordée.",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
        widget=FastNumberInput,
    )
    motivation = forms.CharField(
        label="Motivation", widget=FastTextarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, funder, **kwargs):
        super().__init__(*args, **kwargs)
        self["outcome"].label = f"Décision de {funder}"  # the bound field is already built


class SessionTableForm(IdempotentForm, BaseForm):
    """The envelope of a session's table (one submission, one token) and the version of the
    session it was prepared on."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class AgendaForm(IdempotentForm, BaseForm):
    applications = forms.ModelMultipleChoiceField(
        label="Dossiers examinés par cette séance",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins un dossier pour l'ordre du jour."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["applications"]
        field.queryset = candidates
        use_project_field_templates(self)
        field.label_from_instance = lambda a: (
            f"{a.title} — {a.carrier.name} ({a.get_status_display()})"
        )
