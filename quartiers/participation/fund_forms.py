"""Forms of the fonds de participation des habitants: the fund, the residents' request, the
committee's vote, the payment and the bilan."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from quartiers.accounts.models import Organisation
from quartiers.core import idempotency
from quartiers.core.forms import BaseForm, IdempotentForm
from quartiers.governance.models import Meeting
from quartiers.participation import fund as services

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
AMOUNT = re.compile(r"^\d{1,8}([.,]\d{1,2})?$")
MAX_AMOUNT = Decimal("99999999.99")


def parse_euros(text) -> Decimal | None:
    """« 1 200,50 € », « 1200.5 », « 760 » → Decimal; None when it is not an amount in euros
    (negative, more than two decimals, letters, more than 8 digits)."""
    if text is None:
        return None
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", str(text)).removesuffix("€").removesuffix("EUR")
    if not AMOUNT.match(cleaned):
        return None
    try:
        amount = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return None
    return amount.quantize(Decimal("0.01"))


class EuroField(forms.CharField):
    """An amount in euros as people type it (« 1 200,50 »)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", "En euros, par exemple 350 ou 1 200,50.")
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", ",").removesuffix(",00")
        return value

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        amount = parse_euros(value)
        if amount is None:
            raise ValidationError(
                "Écrivez un montant en euros, par exemple 350 ou 1 200,50 (deux décimales au plus)."
            )
        return amount


class FundForm(BaseForm):
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    envelope = EuroField(label="Enveloppe de l'année (€)")
    cap_per_project = EuroField(label="Plafond par projet (€)")
    max_share = forms.IntegerField(
        label="Part maximale du coût total d'un projet (%)",
        min_value=1,
        max_value=100,
        help_text="Par exemple 80 : le fonds couvre au plus 80 % du coût du projet.",
    )
    carrying_organisation = forms.ModelChoiceField(
        label="Association porteuse (organisation du contrat)",
        help_text="Elle reçoit l'enveloppe et verse les aides aux groupes d'habitants.",
        queryset=Organisation.objects.none(),
        required=False,
    )
    carrying_structure_name = forms.CharField(
        label="… ou son nom, si elle n'est pas sur la plateforme",
        max_length=200,
        required=False,
    )
    is_open = forms.BooleanField(label="Ouvert aux demandes des habitants", required=False)

    def __init__(self, *args, organisations, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrying_organisation"].queryset = organisations
        self.fields["is_open"].template_name = "components/checkbox_field.html"
        if year is not None:
            self.fields["year"].disabled = True
            self.fields["year"].initial = year


class MicroProjectRequestForm(IdempotentForm, BaseForm):
    """What a group of residents writes to ask the fund, without an account."""

    title = forms.CharField(label="Titre du projet", max_length=200)
    description = forms.CharField(
        label="Ce que vous voulez faire",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    audience = forms.CharField(label="Pour qui", max_length=300)
    when = forms.CharField(label="Quand", max_length=200, help_text="Par exemple : samedi 14 mars.")
    group_name = forms.CharField(
        label="Nom de votre groupe d'habitants",
        max_length=200,
        help_text="Un groupe informel suffit : pas besoin d'être une association.",
    )
    total_cost = EuroField(label="Coût total du projet (€)")
    amount_requested = EuroField(label="Montant demandé au fonds (€)")
    contact_first_name = forms.CharField(label="Votre prénom", max_length=150)
    contact_email = forms.EmailField(
        label="Votre adresse électronique",
        help_text="Vous y recevrez le lien pour confirmer la demande, puis la suivre.",
    )
    contact_phone = forms.CharField(label="Votre téléphone", max_length=30, required=False)

    def __init__(self, *args, fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fund = fund
        self.fields[
            "amount_requested"
        ].help_text = (
            f"Au plus {services.euros(fund.cap_per_project)} et {fund.max_share} % du coût total."
        )

    def clean(self):
        data = super().clean()
        amount, total = data.get("amount_requested"), data.get("total_cost")
        if amount is not None and "total_cost" not in self.errors:
            for field, error in services.amount_errors(
                self.fund, amount=amount, total_cost=total
            ).items():
                self.add_error(field, error)
        return data

    def nonce(self) -> str:
        """The form's signed nonce (empty when missing or expired: the request is then filed
        without the double-submit guard, under the service's rules)."""
        if not self.submission_token:
            return ""
        try:
            return idempotency.nonce_of(self.submission_token)
        except ValidationError:
            return ""


class DecisionForm(BaseForm):
    decision = forms.ChoiceField(
        label="Décision du comité",
        choices=[("accepted", "Accepté"), ("refused", "Refusé")],
        widget=forms.RadioSelect,
    )
    votes_for = forms.IntegerField(label="Voix pour", min_value=0, max_value=999)
    votes_against = forms.IntegerField(label="Voix contre", min_value=0, max_value=999)
    votes_abstention = forms.IntegerField(
        label="Abstentions", min_value=0, max_value=999, initial=0
    )
    decided_on = forms.DateField(label="Date de la décision", widget=DATE)
    amount_granted = EuroField(
        label="Montant accordé (€)",
        required=False,
        help_text="Si la demande est acceptée ; vide : le montant demandé.",
    )
    comment = forms.CharField(
        label="Motif ou commentaire",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire en cas de refus ; envoyé au groupe.",
    )
    meeting = forms.ModelChoiceField(
        label="Réunion du comité FPH",
        queryset=Meeting.objects.none(),
        required=False,
    )

    def __init__(self, *args, meetings, **kwargs):
        kwargs.setdefault("initial", {"decided_on": timezone.localdate(), "votes_abstention": 0})
        super().__init__(*args, **kwargs)
        self.fields["decision"].template_name = "components/choice_field.html"
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: f"{m.body.name}, {m.date:%d/%m/%Y}"
        if not meetings.exists():
            del self.fields["meeting"]

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        return {
            "accepted": data.pop("decision") == "accepted",
            "meeting": data.pop("meeting", None),
            **data,
        }


class PaymentForm(BaseForm):
    paid_on = forms.DateField(label="Versé le", widget=DATE)
    amount = EuroField(label="Montant versé (€)")

    def __init__(self, *args, project, **kwargs):
        kwargs.setdefault(
            "initial", {"paid_on": timezone.localdate(), "amount": project.amount_granted}
        )
        super().__init__(*args, **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ReportForm(BaseForm):
    text = forms.CharField(
        label="Comment s'est passé le projet, en quelques lignes",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    participants = forms.IntegerField(label="Nombre de participants", min_value=1, max_value=99999)
    expenses = EuroField(label="Total des dépenses réelles (€)")
    receipts = MultipleFileField(
        label="Justificatifs de dépense (factures, tickets)",
        help_text="PDF ou image (JPEG, PNG), 10 Mo au plus chacun ; plusieurs fichiers possibles.",
    )
    photos = MultipleFileField(
        label="Photos (facultatif)",
        required=False,
        help_text="JPEG ou PNG. Elles ne sont pas publiées : seuls le chef de projet et le "
        "comité les voient.",
    )

    def clean(self):
        data = super().clean()
        errors = services.report_file_errors(data.get("photos") or [], data.get("receipts") or [])
        if errors:
            self.add_error("receipts" if data.get("receipts") else "photos", errors)
        return data
