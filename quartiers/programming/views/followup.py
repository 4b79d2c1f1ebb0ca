"""After the decision: decision letter, conventions, payments, ledgers, bilans (CERFA 15059).

Like the application pages, these answer 404 to whoever may not see the application (a carrier
never learns that another carrier's application exists) and 403 to readers who may not act.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from quartiers.accounts.models import Organisation
from quartiers.core.formats import euros
from quartiers.core.forms import BaseForm
from quartiers.programming import letters, permissions, services
from quartiers.programming.enums import ApplicationStatus, DecisionOutcome, PaymentKind
from quartiers.programming.forms import AGE_BANDS, use_project_field_templates
from quartiers.programming.models import Convention, FinalReport
from quartiers.programming.views.access import application_page
from quartiers.programming.views.calls import breadcrumb, call_page

DATE_WIDGET = {"widget": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}


def _age_label(band: str) -> str:
    if band.endswith("+"):
        return f"{band[:-1]} ans et plus"
    low, high = band.split("-")
    return f"de {low} à {high} ans"


# --------------------------------------------------------------------------- forms


class ConventionForm(BaseForm):
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


class PaymentForm(BaseForm):
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


class ReportForm(BaseForm):
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


# --------------------------------------------------------------------------- helpers


def _can_manage_conventions(user, application) -> bool:
    return permissions.can_manage_conventions(user, application.call.contract)


def _application_breadcrumb(application):
    return [
        *breadcrumb(application.call.contract, application.call),
        (application.title, application.get_absolute_url()),
    ]


def _uncommitted_grants(application) -> dict:
    """{funder: granted amount} of the funders that granted money and signed no convention."""
    committed = {
        funder.pk
        for convention in application.conventions.all()
        for funder in convention.funders.all()
    }
    return {
        decision.funder: decision.amount
        for decision in application.decisions.filter(outcome=DecisionOutcome.GRANTED)
        .select_related("funder")
        .order_by("funder__name")
        if decision.funder_id not in committed
    }


# --------------------------------------------------------------------------- views


@application_page(permissions.can_view_decision_letter)
def decision_letter(request, application):
    decisions = services.decisions_of(application)
    if application.status not in services.DECIDED_STATUSES or not decisions:
        raise Http404("Pas encore de décision pour ce dossier.")
    response = HttpResponse(
        letters.decision_letter_pdf(application, decisions=decisions),
        content_type="application/pdf",
    )
    filename = letters.decision_letter_filename(application)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@application_page(_can_manage_conventions)
def convention_create(request, application):
    granted = _uncommitted_grants(application)
    open_for_conventions = application.status in {
        ApplicationStatus.DECIDED,
        ApplicationStatus.CONVENTION_SIGNED,
    }
    form = None
    if open_for_conventions and granted:
        form = ConventionForm(request.POST or None, granted=granted)
        if request.method == "POST" and form.is_valid():
            try:
                convention = services.sign_convention(
                    application=application, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, f"Convention du {convention.signed_on:%d/%m/%Y} enregistrée."
                )
                return redirect(application)
    return render(
        request,
        "programming/followup/convention_form.html",
        {
            "application": application,
            "breadcrumb": _application_breadcrumb(application),
            "form": form,
            "granted": granted,
            "open_for_conventions": open_for_conventions,
        },
    )


def payment_create(request, pk):
    convention = get_object_or_404(
        Convention.objects.select_related("application__call__contract", "application__carrier"),
        pk=pk,
    )
    application = convention.application
    if not permissions.can_view_application(request.user, application):
        raise Http404("Convention introuvable.")
    payable = permissions.payable_funders(request.user, convention)
    if not payable:
        raise PermissionDenied
    funders = Organisation.objects.filter(pk__in=payable).order_by("name")
    form = PaymentForm(request.POST or None, funders=funders)
    if request.method == "POST" and form.is_valid():
        try:
            payment = services.record_payment(
                convention=convention, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{payment.get_kind_display().capitalize()} de {euros(payment.amount)} "
                f"enregistré pour {payment.funder}.",
            )
            return redirect(application)
    rows = [row for row in services.ledger(application) if row.funder.pk in payable]
    return render(
        request,
        "programming/followup/payment_form.html",
        {
            "application": application,
            "convention": convention,
            "breadcrumb": _application_breadcrumb(application),
            "form": form,
            "rows": rows,
        },
    )


@application_page(permissions.can_view_ledger)
def application_ledger(request, application):
    rows = services.ledger(application)
    contract = application.call.contract
    return render(
        request,
        "programming/followup/ledger.html",
        {
            "application": application,
            "breadcrumb": _application_breadcrumb(application),
            "rows": rows,
            "totals": _totals(rows),
            "show_proposed": permissions.can_run_committees(request.user, contract)
            or bool(permissions.instructed_funders(request.user, application)),
            "conventions": application.conventions.prefetch_related("funders", "payments__funder"),
        },
    )


@call_page(check=permissions.can_view_call_ledger)
def call_ledger(request, call):
    rows = services.call_ledger(call)
    return render(
        request,
        "programming/followup/call_ledger.html",
        {
            "call": call,
            "breadcrumb": breadcrumb(call.contract, call),
            "rows": rows,
            "totals": _totals(rows, extra=["envelope"]),
        },
    )


def _totals(rows, extra=()) -> dict:
    keys = [*extra, "requested", "proposed", "granted", "committed", "paid", "remaining"]
    return {key: sum((getattr(row, key) for row in rows), Decimal("0")) for key in keys}


@application_page(permissions.can_file_report)
def report_create(request, application):
    report = FinalReport.objects.filter(application=application).first()
    can_file = report is None and application.status in services.FUNDED_STATUSES
    planned = application.budget_totals()
    form = None
    if can_file:
        form = ReportForm(
            request.POST or None,
            qpvs=application.call.contract.qpvs.all(),
            planned=planned,
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.submit_report(application=application, by=request.user, **form.values())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Bilan déposé : merci !")
                return redirect(application)
    return render(
        request,
        "programming/followup/report_form.html",
        {
            "application": application,
            "breadcrumb": _application_breadcrumb(application),
            "form": form,
            "report": report,
            "due_on": services.report_due_on(application),
            "planned": planned,
        },
    )


@require_POST
@application_page(permissions.can_override_report_block)
def report_override(request, application):
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            services.override_report_block(
                application=application, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Dérogation accordée : le dossier peut être déposé.")
    else:
        messages.error(request, "Indiquez le motif de la dérogation.")
    return redirect(application)


def _can_notify(user, application) -> bool:
    return permissions.can_run_committees(user, application.call.contract)


@require_POST
@application_page(_can_notify)
def decision_notify(request, application):
    """Send the decision e-mail, with the decision letter, to the carrier."""
    try:
        recipients = services.notify_decision(application=application, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Décision envoyée à {', '.join(recipients)}.")
    return redirect(application)


urlpatterns = [
    path("dossiers/<uuid:uuid>/decision.pdf", decision_letter, name="decision-letter"),
    path("dossiers/<uuid:uuid>/notifier/", decision_notify, name="decision-notify"),
    path(
        "dossiers/<uuid:uuid>/conventions/nouvelle/",
        convention_create,
        name="convention-create",
    ),
    path("conventions/<int:pk>/paiements/nouveau/", payment_create, name="payment-create"),
    path("dossiers/<uuid:uuid>/suivi-financier/", application_ledger, name="ledger"),
    path("appels/<uuid:uuid>/suivi-financier/", call_ledger, name="call-ledger"),
    path("dossiers/<uuid:uuid>/bilan/", report_create, name="report-create"),
    path("dossiers/<uuid:uuid>/derogation-bilan/", report_override, name="report-override"),
]
