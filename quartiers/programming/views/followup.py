"""After the decision: decision letter, conventions, payments, ledgers, bilans (CERFA 15059).

Like the application pages, these answer 404 to whoever may not see the application (a carrier
never learns that another carrier's application exists) and 403 to readers who may not act.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from quartiers.accounts.models import Organisation
from quartiers.core import idempotency
from quartiers.core.formats import euros
from quartiers.programming import letters, permissions, services
from quartiers.programming.forms.followup import (
    ConventionForm,
    OverrideForm,
    PaymentForm,
    ReportForm,
)
from quartiers.programming.models import Convention, FinalReport, FundingRequest
from quartiers.programming.views.access import application_page
from quartiers.programming.views.calls import breadcrumb, call_page

# --------------------------------------------------------------------------- helpers


def _application_breadcrumb(application):
    return [
        *breadcrumb(application.contract, application.call),
        (application.title, application.get_absolute_url()),
    ]


def _uncommitted_grants(application) -> dict:
    """{funder: granted amount} of the funders that granted money and signed no convention."""
    return {
        request.funder: request.granted
        for request in application.funding_requests.filter(granted__gt=0, convention__isnull=True)
        .select_related("funder")
        .order_by("funder__name")
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


@application_page(permissions.can_sign_conventions)
@idempotency.replays_submissions
def convention_create(request, application):
    granted = _uncommitted_grants(application)
    open_for_conventions = application.status in services.CONVENTION_STATUSES
    form = None
    if open_for_conventions and granted:
        form = ConventionForm(request.POST or None, granted=granted)
        if request.method == "POST" and form.is_valid():
            response = idempotency.submit(
                request,
                form,
                create=lambda: services.sign_convention(
                    application=application, by=request.user, **form.cleaned_data
                ),
                url=lambda _: application.get_absolute_url(),
                success=lambda convention: (
                    f"Convention du {convention.signed_on:%d/%m/%Y} enregistrée."
                ),
            )
            if response:
                return response
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


@idempotency.replays_submissions
def payment_create(request, pk):
    convention = get_object_or_404(
        Convention.objects.select_related("application__contract", "application__carrier"),
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
        response = idempotency.submit(
            request,
            form,
            create=lambda: services.record_payment(
                convention=convention, by=request.user, **form.cleaned_data
            ),
            url=lambda _: application.get_absolute_url(),
            success=lambda payment: (
                f"{payment.get_kind_display().capitalize()} de "
                f"{euros(payment.amount)} enregistré pour {payment.funder}."
            ),
        )
        if response:
            return response
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
    return render(
        request,
        "programming/followup/ledger.html",
        {
            "application": application,
            "breadcrumb": _application_breadcrumb(application),
            "rows": rows,
            "totals": _with_remaining(application.funding_requests.totals()),
            "show_proposed": permissions.can_see_proposed_amounts(request.user, application),
            "conventions": application.conventions.prefetch_related(
                "requests__funder", "payments__request__funder"
            ),
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
            "totals": _with_remaining(
                FundingRequest.objects.for_call(call).submitted().totals(),
                envelope=sum((row.envelope for row in rows), Decimal("0")),
            ),
        },
    )


def _with_remaining(totals: dict, **extra) -> dict:
    """The sums of `FundingRequestQuerySet.totals()` with what remains to pay."""
    return {**totals, "remaining": totals["committed"] - totals["paid"], **extra}


@application_page(permissions.can_file_report)
@idempotency.replays_submissions
def report_create(request, application):
    report = FinalReport.objects.filter(application=application).first()
    can_file = report is None and application.status in services.FUNDED_STATUSES
    planned = application.budget_totals()
    form = None
    if can_file:
        form = ReportForm(
            request.POST or None,
            qpvs=application.contract.qpvs.all(),
            planned=planned,
        )
        if request.method == "POST" and form.is_valid():
            response = idempotency.submit(
                request,
                form,
                create=lambda: services.submit_report(
                    application=application, by=request.user, **form.values()
                ),
                url=lambda _: application.get_absolute_url(),
                success=lambda _: "Bilan déposé : merci !",
            )
            if response:
                return response
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


@require_POST
@application_page(permissions.can_notify_decision)
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
