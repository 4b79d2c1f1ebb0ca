"""Forms of the calls for projects: the call, its funders, required attachments and grid."""

from django import forms
from django.db import transaction
from django.db.models import Q

from quartiers.access.enums import ContractRole
from quartiers.accounts.models import Organisation
from quartiers.core.forms import BaseModelForm, IdempotentForm, use_project_field_templates
from quartiers.programming import services
from quartiers.programming.forms.base import (
    DATE,
    DATETIME,
    TEXT,
    FieldsetsMixin,
)
from quartiers.programming.models import (
    CallForProjects,
    CallFunder,
    GridCriterion,
    RequiredAttachment,
)


class CallForm(IdempotentForm, FieldsetsMixin, BaseModelForm):
    """The call's own fields; `contract` limits priorities and engagements to its own."""

    FIELDSETS = [
        ("Présentation", ["year", "title", "description"]),
        (
            "Calendrier",
            ["opens_on", "deadline", "technical_committee_on", "steering_committee_on"],
        ),
        ("Règles et orientations", ["min_qpv_share", "priorities", "engagements"]),
    ]

    class Meta:
        model = CallForProjects
        fields = [
            "year",
            "title",
            "description",
            "opens_on",
            "deadline",
            "technical_committee_on",
            "steering_committee_on",
            "min_qpv_share",
            "priorities",
            "engagements",
        ]
        widgets = {
            "description": TEXT,
            "opens_on": DATE,
            "deadline": DATETIME,
            "technical_committee_on": DATE,
            "steering_committee_on": DATE,
            "priorities": forms.CheckboxSelectMultiple,
            "engagements": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "min_qpv_share": "Un dossier dont le public compte moins d'habitants des quartiers "
            "prioritaires ne peut pas être déposé.",
        }

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.fields["priorities"].queryset = contract.priorities.all()
        self.fields["engagements"].queryset = contract.engagements.all()
        if self.instance.pk:  # the year is the call's identity within its contract
            del self.fields["year"]
            self.FIELDSETS = [
                (legend, [n for n in names if n != "year"]) for legend, names in self.FIELDSETS
            ]

    def clean(self):
        cleaned = super().clean()
        opens_on, deadline = cleaned.get("opens_on"), cleaned.get("deadline")
        if opens_on and deadline and deadline.date() < opens_on:
            self.add_error("deadline", "La date limite doit suivre l'ouverture.")
        return cleaned

    def create(self, *, by) -> CallForProjects:
        """A new call through `services.create_call` (which may raise ValidationError)."""
        return services.create_call(contract=self.contract, by=by, **self.cleaned_data)


def funder_choices(call):
    """Organisations that may fund `call`: the contract's partners and funders' instructors."""
    contract = call.contract
    return Organisation.objects.filter(
        Q(partnerships__contract=contract)
        | Q(
            role_assignments__contract=contract,
            role_assignments__role=ContractRole.FUNDER_INSTRUCTOR,
        )
        | Q(pk__in=call.funders.values("organisation"))
    ).distinct()


class CallFunderForm(BaseModelForm):
    class Meta:
        model = CallFunder
        fields = ["organisation", "envelope"]

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = choices


class RequiredAttachmentForm(BaseModelForm):
    class Meta:
        model = RequiredAttachment
        fields = ["label", "mandatory"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_project_field_templates(self)


class GridCriterionForm(BaseModelForm):
    class Meta:
        model = GridCriterion
        fields = ["label", "weight", "max_score", "position"]


FORMSET_OPTIONS = {"extra": 2, "can_delete": True}
CallFunderFormSet = forms.inlineformset_factory(
    CallForProjects, CallFunder, form=CallFunderForm, **FORMSET_OPTIONS
)
RequiredAttachmentFormSet = forms.inlineformset_factory(
    CallForProjects, RequiredAttachment, form=RequiredAttachmentForm, **FORMSET_OPTIONS
)
GridCriterionFormSet = forms.inlineformset_factory(
    CallForProjects, GridCriterion, form=GridCriterionForm, **FORMSET_OPTIONS
)


class CallEditForms:
    """The call's form and its three formsets (funders, attachments, grid), saved together."""

    def __init__(self, call, data=None):
        self.form = CallForm(data, instance=call, contract=call.contract)
        self.funders = CallFunderFormSet(
            data, instance=call, prefix="financeurs", form_kwargs={"choices": funder_choices(call)}
        )
        self.attachments = RequiredAttachmentFormSet(data, instance=call, prefix="pieces")
        self.criteria = GridCriterionFormSet(data, instance=call, prefix="criteres")

    @property
    def formsets(self):
        return [self.funders, self.attachments, self.criteria]

    def is_valid(self) -> bool:
        return all([self.form.is_valid(), *(f.is_valid() for f in self.formsets)])

    @transaction.atomic
    def save(self, *, by=None) -> CallForProjects:
        call = services.update_call(
            call=self.form.save(commit=False),
            priorities=self.form.cleaned_data["priorities"],
            engagements=self.form.cleaned_data["engagements"],
            by=by,
        )
        for formset in self.formsets:
            formset.save()
        return call
