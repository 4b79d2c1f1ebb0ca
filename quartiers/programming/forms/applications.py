"""Forms of the applications (CERFA 12156): start, content, budget, attachments."""

from django import forms
from django.core.exceptions import ValidationError

from quartiers.accounts.models import Organisation
from quartiers.contracts.models import Theme
from quartiers.core import uploads
from quartiers.core.forms import (
    BaseForm,
    BaseModelForm,
    IdempotentForm,
    use_project_field_templates,
)
from quartiers.programming import services
from quartiers.programming.enums import BudgetSide, ComplementSection
from quartiers.programming.forms.base import (
    DATE,
    TEXT,
    FieldsetsMixin,
)
from quartiers.programming.models import (
    ACCOUNTS,
    AGE_BANDS,
    Application,
    Attachment,
    RequiredAttachment,
)


class StartApplicationForm(IdempotentForm, BaseForm):
    """A new draft: for which organisation, and optionally renewing last year's action."""

    carrier = forms.ModelChoiceField(
        label="Organisation porteuse", queryset=Organisation.objects.none()
    )
    renewal_of = forms.ModelChoiceField(
        label="Renouveler une action de l'an dernier",
        queryset=Application.objects.none(),
        required=False,
        empty_label="Non, c'est une nouvelle action",
        help_text="Le contenu, le budget et les pièces du dossier de l'an dernier sont repris ; "
        "les dates sont décalées d'un an.",
    )
    title = forms.CharField(
        label="Intitulé de l'action",
        max_length=300,
        required=False,
        help_text="Obligatoire pour une nouvelle action ; pour un renouvellement, l'intitulé de "
        "l'an dernier est repris s'il est laissé vide.",
    )

    def __init__(self, *args, carriers, renewable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].queryset = carriers
        only = list(carriers[:2])
        if len(only) == 1:  # nothing to choose
            self.fields["carrier"].initial = only[0].pk
            self.fields["carrier"].widget = forms.HiddenInput()
        self.fields["renewal_of"].queryset = renewable
        self.fields["renewal_of"].label_from_instance = lambda a: f"{a.title} ({a.carrier})"
        if not renewable.exists():
            del self.fields["renewal_of"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("title") and not cleaned.get("renewal_of"):
            self.add_error("title", "Indiquez l'intitulé de l'action.")
        renewal = cleaned.get("renewal_of")
        carrier = cleaned.get("carrier")
        if renewal and carrier and renewal.carrier_id != carrier.pk:
            self.add_error("renewal_of", "Cette action est portée par une autre organisation.")
        return cleaned


def _age_field(band):
    return f"age_{band.replace('-', '_').replace('+', '_plus')}"


class ApplicationForm(FieldsetsMixin, BaseModelForm):
    """CERFA 12156 sections 1 to 4 and 7; a draft, so nothing is required but the title."""

    FIELDSETS = [
        ("1. Personne chargée du dossier", ["contact_name", "contact_email", "contact_phone"]),
        ("2. Relations avec l'administration", ["approvals", "public_utility"]),
        ("3. Moyens humains", ["volunteers", "employees", "full_time_equivalents"]),
        (
            "4. L'action",
            ["title", "objectives", "description", "pillar", "theme", "engagements"],
        ),
        (
            "4. Publics visés",
            [
                "public_total",
                "public_women",
                "public_men",
                *(_age_field(band) for band in AGE_BANDS),
                "public_qpv_residents",
                "qpvs",
            ],
        ),
        (
            "4. Mise en œuvre",
            ["places", "starts_on", "ends_on", "means", "partners_text", "indicators"],
        ),
        (
            "4. Marqueurs",
            ["equality_marker", "targets_youth", "fights_discrimination"],
        ),
        ("7. Attestation", ["signatory_name", "signatory_quality", "attested"]),
    ]

    age_0_5 = forms.IntegerField(label="dont 0 à 5 ans", min_value=0, required=False)
    age_6_11 = forms.IntegerField(label="dont 6 à 11 ans", min_value=0, required=False)
    age_12_17 = forms.IntegerField(label="dont 12 à 17 ans", min_value=0, required=False)
    age_18_25 = forms.IntegerField(label="dont 18 à 25 ans", min_value=0, required=False)
    age_26_64 = forms.IntegerField(label="dont 26 à 64 ans", min_value=0, required=False)
    age_65_plus = forms.IntegerField(label="dont 65 ans et plus", min_value=0, required=False)

    class Meta:
        model = Application
        fields = [
            "contact_name",
            "contact_email",
            "contact_phone",
            "approvals",
            "public_utility",
            "volunteers",
            "employees",
            "full_time_equivalents",
            "title",
            "objectives",
            "description",
            "public_total",
            "public_women",
            "public_men",
            "public_qpv_residents",
            "qpvs",
            "places",
            "starts_on",
            "ends_on",
            "means",
            "partners_text",
            "indicators",
            "engagements",
            "pillar",
            "theme",
            "equality_marker",
            "targets_youth",
            "fights_discrimination",
            "signatory_name",
            "signatory_quality",
            "attested",
        ]
        widgets = {
            "approvals": TEXT,
            "objectives": TEXT,
            "description": TEXT,
            "places": TEXT,
            "means": TEXT,
            "partners_text": TEXT,
            "indicators": TEXT,
            "starts_on": DATE,
            "ends_on": DATE,
            "qpvs": forms.CheckboxSelectMultiple,
            "engagements": forms.CheckboxSelectMultiple,
            "equality_marker": forms.RadioSelect,
        }
        labels = {
            "attested": "Je certifie exactes les informations du dossier, et que l'organisation "
            "est à jour de ses obligations sociales et fiscales.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        contract = self.instance.call.contract
        self.fields["qpvs"].queryset = contract.qpvs.all()
        self.fields["engagements"].queryset = contract.engagements.all()
        self.fields["pillar"].queryset = contract.pillars.all()
        self.fields["theme"].queryset = Theme.objects.filter(pillar__contract=contract)
        bands = self.instance.public_age_bands or {}
        for band in AGE_BANDS:
            self.initial.setdefault(_age_field(band), bands.get(band))

    def save(self, commit=True):
        self.instance.public_age_bands = {
            band: self.cleaned_data[_age_field(band)]
            for band in AGE_BANDS
            if self.cleaned_data.get(_age_field(band)) is not None
        }
        return super().save(commit)


class BudgetLineForm(BaseForm):
    """One line of one side of the budget; the funder only on subsidies (74)."""

    account = forms.ChoiceField(label="Compte")
    label = forms.CharField(label="Libellé", max_length=200, required=False)
    amount = forms.DecimalField(label="Montant (€)", min_value=0, max_digits=12, decimal_places=2)
    funder = forms.ModelChoiceField(
        label="Financeur sollicité (compte 74)",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="—",
    )

    def __init__(self, *args, side, funders=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.side = side
        self.fields["account"].choices = [
            ("", "—"),
            *((code, f"{code} — {label}") for code, label in ACCOUNTS[side].items()),
        ]
        if funders is None:
            del self.fields["funder"]
        else:
            self.fields["funder"].queryset = funders

    def clean(self):
        cleaned = super().clean()
        if self.errors or cleaned.get("DELETE"):
            return cleaned
        try:
            services.validate_budget_line(self.line())
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned

    def line(self) -> services.BudgetLineData:
        return services.BudgetLineData(
            side=self.side,
            account=self.cleaned_data["account"],
            amount=self.cleaned_data["amount"],
            label=self.cleaned_data.get("label", ""),
            funder=self.cleaned_data.get("funder"),
        )


BudgetLineFormSet = forms.formset_factory(BudgetLineForm, extra=2, can_delete=True)

BUDGET_SIDES = [
    (BudgetSide.CHARGE, "charges", "Charges de l'action"),
    (BudgetSide.PRODUCT, "produits", "Produits de l'action (dont subventions sollicitées)"),
    (BudgetSide.CONTRIBUTION_USE, "emplois-86", "Emplois des contributions en nature (86)"),
    (BudgetSide.CONTRIBUTION_SOURCE, "ressources-87", "Contributions volontaires en nature (87)"),
]


def _with_one_more_form(data, prefix):
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, ""))
    except ValueError:
        return data  # a broken management form: the formset reports it
    data = data.copy()
    data[key] = str(min(max(total, 0) + 1, BudgetLineFormSet.max_num))
    return data


class BudgetForms:
    """One formset per side of the CERFA budget, read and written as `BudgetLineData`."""

    def __init__(self, application, data=None, add_line_to=None):
        """`add_line_to`: the prefix of a side that gets one more (empty) row than `data`
        holds (« Ajouter une ligne » without JavaScript); anything else is ignored."""
        if data is not None and add_line_to in {prefix for _, prefix, _ in BUDGET_SIDES}:
            data = _with_one_more_form(data, add_line_to)
        funders = Organisation.objects.filter(
            pk__in=application.call.funders.values("organisation")
        )
        lines = list(application.budget_lines.all())
        self.sections = []
        for side, prefix, caption in BUDGET_SIDES:
            initial = [
                {
                    "account": line.account,
                    "label": line.label,
                    "amount": line.amount,
                    "funder": line.funder_id,
                }
                for line in lines
                if line.side == side
            ]
            formset = BudgetLineFormSet(
                data,
                initial=initial,
                prefix=prefix,
                form_kwargs={
                    "side": side,
                    "funders": funders if side == BudgetSide.PRODUCT else None,
                },
            )
            formset.caption = caption
            formset.side = side
            formset.has_funder = side == BudgetSide.PRODUCT
            self.sections.append(formset)

    def is_valid(self) -> bool:
        valid = [formset.is_valid() for formset in self.sections]  # validate every side
        return all(valid)

    def lines(self) -> list[services.BudgetLineData]:
        return [
            form.line()
            for formset in self.sections
            for form in formset.forms
            # untouched extra rows have no cleaned data; kept rows are kept even if unchanged
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


class RemoveAttachmentForm(BaseForm):
    """The « Retirer » button of one attachment: any value but one of the dossier's
    attachments (another dossier's, `²`, NUL…) is invalid."""

    delete = forms.ModelChoiceField(queryset=Attachment.objects.none())

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delete"].queryset = application.attachments.all()


class AttachmentForm(IdempotentForm, BaseForm):
    required = forms.ModelChoiceField(
        label="Pièce",
        queryset=RequiredAttachment.objects.none(),
        required=False,
        empty_label="Autre pièce (libre)",
    )
    file = forms.FileField(
        label="Fichier",
        help_text="PDF, image (JPEG, PNG) ou document bureautique (DOCX, XLSX, ODT, ODS) ; "
        "10 Mo au plus.",
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.fields["required"].queryset = application.call.required_attachments.all()

    def clean_file(self):
        """The service's own check, shown next to the field (the service checks again)."""
        upload = self.cleaned_data["file"]
        error = uploads.attachment_error(upload)
        if error:
            raise ValidationError(error)
        return upload

    def save(self, *, by=None):
        return services.add_attachment(
            application=self.application,
            upload=self.cleaned_data["file"],
            required=self.cleaned_data["required"],
            by=by,
        )


class ComplementRequestForm(IdempotentForm, BaseForm):
    """« Demander un complément »: the points to correct and the message to the carrier."""

    sections = forms.MultipleChoiceField(
        label="Points à corriger",
        choices=ComplementSection.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Le porteur ne pourra modifier que ces parties du dossier.",
    )
    message = forms.CharField(
        label="Message au porteur",
        widget=TEXT,
        max_length=5000,
        help_text="Dites précisément ce qui manque ou doit être corrigé.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_project_field_templates(self)


class ResubmitForm(IdempotentForm, BaseForm):
    """The carrier's answer to a complement request, sent with the corrected dossier."""

    answer = forms.CharField(
        label="Votre réponse (facultatif)",
        widget=TEXT,
        max_length=5000,
        required=False,
        help_text="Ce que vous avez corrigé ; lu par les personnes qui instruisent le dossier.",
    )


def restrict_to_sections(form, sections) -> None:
    """Disable the fields of `form` (an `ApplicationForm`) outside `sections`: they show the
    stored values, and Django ignores what is posted for them (the service refuses too)."""
    if set(sections) >= set(ComplementSection.values):
        return
    allowed = {
        name.removesuffix("_id")
        for section in sections
        for name in services.SECTION_FIELDS[section]
    }
    if ComplementSection.PUBLIC in sections:
        allowed |= {_age_field(band) for band in AGE_BANDS}
    for name, field in form.fields.items():
        if name not in allowed:
            field.disabled = True
