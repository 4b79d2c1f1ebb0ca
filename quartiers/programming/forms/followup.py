"""Forms of the follow-up: conventions, payments, the bilan (CERFA 15059), the dérogation."""

from decimal import Decimal

from django import forms

from quartiers.accounts.models import Organisation
from quartiers.core.formats import euros
from quartiers.core.forms import BaseForm, IdempotentForm, use_project_field_templates
from quartiers.programming.enums import PaymentKind
from quartiers.programming.models import AGE_BANDS

DATE_WIDGET = {"widget": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}


def _age_label(band: str) -> str:
    if band.endswith("+"):
        return f"{band[:-1]} ans et plus"
    low, high = band.split("-")
    return f"de {low} à {high} ans"


class ConventionForm(IdempotentForm, BaseForm):
    funders = forms.ModelMultipleChoiceField(
        label="Financeurs signataires",
        help_text="Cochez plusieurs financeurs pour une convention multi-financeurs.",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    years = forms.TypedChoiceField(
        label="Durée",
        choices=[
            (1, "1 an"),
            (2, "2 ans (convention pluriannuelle d'objectifs)"),
            (3, "3 ans (convention pluriannuelle d'objectifs)"),
            (4, "4 ans (convention pluriannuelle d'objectifs)"),
        ],
        coerce=int,
        initial=1,
    )
    signed_on = forms.DateField(label="Signée le", **DATE_WIDGET)

    def __init__(self, *args, granted: dict, **kwargs):
        """`granted`: {funder: amount} of the funders that may still sign."""
        super().__init__(*args, **kwargs)
        field = self.fields["funders"]
        field.queryset = Organisation.objects.filter(pk__in=[f.pk for f in granted])
        amounts = {f.pk: amount for f, amount in granted.items()}
        field.label_from_instance = lambda o: f"{o} — {euros(amounts[o.pk])} accordés"
        use_project_field_templates(self)


class PaymentForm(IdempotentForm, BaseForm):
    funder = forms.ModelChoiceField(label="Financeur", queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label="Nature du versement", choices=PaymentKind.choices)
    amount = forms.DecimalField(
        label="Montant (€)", min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    paid_on = forms.DateField(label="Payé le", **DATE_WIDGET)

    def __init__(self, *args, funders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = funders
        if len(funders) == 1:
            self.fields["funder"].initial = funders[0].pk


class ReportForm(IdempotentForm, BaseForm):
    """The bilan, shaped like CERFA 15059*02; one field per age band and per QPV."""

    summary = forms.CharField(
        label="Bilan qualitatif de l'action",
        help_text="Ce qui a été réalisé, avec qui, ce qui a changé pour les habitants.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    objectives_reached = forms.CharField(
        label="Objectifs atteints",
        help_text="Au regard des objectifs annoncés dans la demande.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    participants_total = forms.IntegerField(label="Nombre total de participants", min_value=0)
    participants_women = forms.IntegerField(label="dont femmes", min_value=0, initial=0)
    participants_men = forms.IntegerField(label="dont hommes", min_value=0, initial=0)
    realised_charges = forms.DecimalField(
        label="Total des charges réalisées (€)", min_value=0, max_digits=12, decimal_places=2
    )
    realised_products = forms.DecimalField(
        label="Total des produits réalisés (€)", min_value=0, max_digits=12, decimal_places=2
    )
    notes = forms.CharField(
        label="Explication des écarts",
        help_text="Entre le budget prévisionnel et le réalisé, entre le public prévu et le public "
        "touché.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, qpvs, planned: dict, **kwargs):
        super().__init__(*args, **kwargs)
        fields = dict(self.fields)
        ordered = {name: fields.pop(name) for name in ["summary", "objectives_reached"]}
        ordered |= {
            name: fields.pop(name)
            for name in ["participants_total", "participants_women", "participants_men"]
        }
        self.age_fields = {}
        for band in AGE_BANDS:
            name = "age_" + band.replace("-", "_").replace("+", "_plus")
            ordered[name] = forms.IntegerField(
                label=f"dont {_age_label(band)}", min_value=0, required=False
            )
            self.age_fields[band] = name
        self.qpv_fields = {}
        for qpv in qpvs:
            name = f"qpv_{qpv.pk}"
            ordered[name] = forms.IntegerField(
                label=f"dont habitants du quartier prioritaire « {qpv.name} »",
                min_value=0,
                required=False,
            )
            self.qpv_fields[qpv.name] = name
        ordered |= fields
        ordered["realised_charges"].help_text = f"Prévu : {euros(planned['charge'])}."
        ordered["realised_products"].help_text = f"Prévu : {euros(planned['product'])}."
        self.fields = ordered
        for name in [*self.age_fields.values(), *self.qpv_fields.values()]:
            self.fields[name].widget.group_class = "fr-input-group"

    @property
    def fieldsets(self):
        """(legend, hint, bound fields), in the order of the CERFA 15059*02."""
        people = [
            "participants_total",
            "participants_women",
            "participants_men",
            *self.age_fields.values(),
            *self.qpv_fields.values(),
        ]
        return [
            ("Bilan qualitatif", "", [self["summary"], self["objectives_reached"]]),
            ("Public touché", "Personnes ayant participé à l'action.", [self[n] for n in people]),
            (
                "Budget réalisé",
                "Totaux du compte rendu financier, à comparer au budget prévisionnel.",
                [self["realised_charges"], self["realised_products"], self["notes"]],
            ),
        ]

    def clean(self):
        data = super().clean()
        total = data.get("participants_total")
        if total is None:
            return data
        if (data.get("participants_women") or 0) + (data.get("participants_men") or 0) > total:
            self.add_error("participants_women", "Femmes et hommes dépassent le total.")
        if sum(data.get(name) or 0 for name in self.age_fields.values()) > total:
            self.add_error(None, "Les tranches d'âge dépassent le nombre de participants.")
        if sum(data.get(name) or 0 for name in self.qpv_fields.values()) > total:
            self.add_error(None, "Les habitants des QPV dépassent le nombre de participants.")
        return data

    def values(self) -> dict:
        """Keyword arguments of `services.submit_report`."""
        data = self.cleaned_data
        return {
            "summary": data["summary"],
            "objectives_reached": data["objectives_reached"],
            "participants_total": data["participants_total"],
            "participants_women": data["participants_women"] or 0,
            "participants_men": data["participants_men"] or 0,
            "participants_age_bands": {
                band: data.get(name) or 0 for band, name in self.age_fields.items()
            },
            "participants_by_qpv": {
                qpv: data.get(name) or 0 for qpv, name in self.qpv_fields.items()
            },
            "realised_charges": data["realised_charges"],
            "realised_products": data["realised_products"],
            "notes": data["notes"],
        }


class OverrideForm(BaseForm):
    reason = forms.CharField(
        label="Motif de la dérogation",
        help_text="Consigné au journal du contrat.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
