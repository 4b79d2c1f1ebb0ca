"""Pages of the fonds de participation des habitants (FPH).

Public (when the contract is): the fund's page (envelope, consumption, supported projects, no
resident's name) and the request form. Private to a group, through the key of the link it
received by e-mail: its request's page, the confirmation and the bilan. For the committee:
the fund's management, each request with the group's contact, the vote and the payment.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from quartiers.access.decorators import contract_page
from quartiers.access.permissions import contract_organisations
from quartiers.core import ratelimit
from quartiers.core.clients import client_address
from quartiers.core.files import private_file_response
from quartiers.participation import fund as services
from quartiers.participation import permissions
from quartiers.participation.enums import MicroProjectFileKind, MicroProjectStatus
from quartiers.participation.fund_forms import (
    DecisionForm,
    FundForm,
    MicroProjectRequestForm,
    PaymentForm,
    ReportForm,
)
from quartiers.participation.models import MicroProject, ResidentsFund


def _public_url(contract):
    return reverse("participation:fund-public", kwargs={"slug": contract.slug})


def _committee_url(contract):
    return reverse("participation:fund-committee", kwargs={"slug": contract.slug})


def _breadcrumb(contract, *, public=False, committee=False):
    links = [
        ("Contrats", reverse("contracts:contract-list")),
        (contract.name, contract.get_absolute_url()),
    ]
    if public:
        links.append(("Fonds des habitants", _public_url(contract)))
    if committee:
        links.append(("Comité du fonds des habitants", _committee_url(contract)))
    return links


def _funds(contract):
    return [
        (fund, services.consumption(fund))
        for fund in ResidentsFund.objects.filter(contract=contract)
        .select_related("carrying_organisation")
        .order_by("-year")
    ]


# --------------------------------------------------------------------------- public


@contract_page()
def fund_public(request, contract):
    """The fund of each year: envelope, consumption and the micro-projects it supports
    (title, what, amount, date, state); never a contact nor a group member."""
    funds = [
        (fund, use, fund.projects.supported().order_by("-decided_on", "-pk"))
        for fund, use in _funds(contract)
    ]
    return render(
        request,
        "participation/fund_public.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract),
            "funds": funds,
            "current": services.current_fund(contract),
            "see_committee": permissions.can_view_fund_committee(request.user, contract),
        },
    )


@contract_page()
def fph_request(request, contract):
    """The request form of this year's open fund, for a group without an account."""
    fund = services.current_fund(contract)
    form = MicroProjectRequestForm(request.POST or None, fund=fund) if fund else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            # Counted when valid: a resident correcting a typo is not held back.
            ratelimit.hit(services.FPH_REQUESTS, client_address(request) or "inconnue")
        except ratelimit.RateLimited as error:
            return ratelimit.refusal(request, error)
        else:
            try:
                services.request_micro_project(fund=fund, nonce=form.nonce(), **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect(
                    reverse("participation:fph-request-sent", kwargs={"slug": contract.slug})
                )
    return render(
        request,
        "participation/fph_request.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract, public=True),
            "fund": fund,
            "use": services.consumption(fund) if fund else None,
            "form": form,
            "retention_days": settings.FPH_CONTACT_RETENTION_DAYS,
            "unconfirmed_days": services.UNCONFIRMED_KEPT.days,
        },
    )


@contract_page()
def fph_request_sent(request, contract):
    return render(
        request,
        "participation/fph_request_sent.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract, public=True),
            "days": services.CONFIRMATION_MAX_AGE.days,
        },
    )


# --------------------------------------------------------------------------- the group's link


def _project_of_key(key):
    project = services.project_for_key(key)
    if project is None:
        raise Http404("Ce lien ne correspond à aucune demande.")
    return project


def _follow_context(project, key):
    return {
        "project": project,
        "contract": project.contract,
        "key": key,
        "fund": project.fund,
        "use": services.consumption(project.fund),
        "expired": services.confirmation_expired(project),
        "receipt": services.receipt(project),
        "receipts": project.files.filter(kind=MicroProjectFileKind.RECEIPT),
        "photos": project.files.filter(kind=MicroProjectFileKind.PHOTO),
        "breadcrumb": _breadcrumb(project.contract, public=True),
    }


@login_not_required
def fph_follow(request, key):
    """The group's page of its request (its private link): where it stands, the
    confirmation, the committee's answer, then the bilan."""
    project = _project_of_key(key)
    return render(request, "participation/fph_follow.html", _follow_context(project, key))


@login_not_required
@require_POST
def fph_confirm(request, key):
    project = _project_of_key(key)
    try:
        confirmed = services.confirm_micro_project(project=project)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if confirmed:
            messages.success(
                request, "Demande confirmée : le comité du fonds des habitants va l'examiner."
            )
        else:
            messages.info(request, "Cette demande était déjà confirmée.")
    return redirect(reverse("participation:fph-follow", kwargs={"key": key}))


@login_not_required
def fph_report(request, key):
    """The bilan, by the group through its link, once the money is paid."""
    project = _project_of_key(key)
    follow = reverse("participation:fph-follow", kwargs={"key": key})
    if project.status != MicroProjectStatus.PAID:
        if project.status == MicroProjectStatus.REPORTED:
            messages.info(request, "Le bilan de ce projet est déjà déposé.")
        else:
            messages.info(request, "Le bilan se dépose une fois l'aide versée.")
        return redirect(follow)
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.file_report(project=project, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Bilan déposé : merci !")
            return redirect(follow)
    return render(
        request,
        "participation/fph_report.html",
        {**_follow_context(project, key), "form": form, "follow_url": follow},
    )


# --------------------------------------------------------------------------- committee


@contract_page(permissions.can_view_fund_committee)
def fund_committee(request, contract):
    projects = list(
        MicroProject.objects.filter(contract=contract)
        .confirmed()
        .select_related("fund")
        .order_by("-created_at", "-pk")
    )
    return render(
        request,
        "participation/fund_committee.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract, public=True),
            "funds": _funds(contract),
            "waiting": [p for p in projects if p.status == MicroProjectStatus.SUBMITTED],
            "others": [p for p in projects if p.status != MicroProjectStatus.SUBMITTED],
            "unconfirmed": MicroProject.objects.filter(
                contract=contract, status=MicroProjectStatus.UNCONFIRMED
            ).count(),
            "can_manage": permissions.can_manage_fund(request.user, contract),
            "retention_days": settings.FPH_CONTACT_RETENTION_DAYS,
        },
    )


@contract_page(permissions.can_manage_fund)
def fund_edit(request, contract, year=None):
    if year is not None and not 2000 <= year <= 2100:
        raise Http404("Pas de fonds pour cette année.")
    fund = (
        get_object_or_404(ResidentsFund, contract=contract, year=year) if year is not None else None
    )
    if fund:
        initial = {
            "year": fund.year,
            "envelope": fund.envelope,
            "cap_per_project": fund.cap_per_project,
            "max_share": fund.max_share,
            "carrying_organisation": fund.carrying_organisation,
            "carrying_structure_name": fund.carrying_structure_name,
            "is_open": fund.is_open,
        }
    else:
        initial = {
            "year": timezone.localdate().year,
            "cap_per_project": services.DEFAULT_CAP,
            "max_share": 80,
            "is_open": True,
        }
    form = FundForm(
        request.POST or None,
        initial=initial,
        organisations=contract_organisations(contract).order_by("name"),
        year=year,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if fund is None and ResidentsFund.objects.filter(contract=contract, year=data["year"]):
            form.add_error("year", f"Le fonds {data['year']} existe déjà : modifiez-le.")
        else:
            try:
                services.save_fund(contract=contract, by=request.user, **data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Fonds des habitants {data['year']} enregistré.")
                return redirect(_committee_url(contract))
    return render(
        request,
        "participation/fund_form.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract, public=True, committee=True),
            "form": form,
            "fund": fund,
        },
    )


def _project_or_404(contract, uuid):
    return get_object_or_404(
        MicroProject.objects.confirmed().select_related("fund", "meeting__body", "register_entry"),
        contract=contract,
        uuid=uuid,
    )


def _render_project(request, contract, project, *, decision_form=None, payment_form=None):
    user = request.user
    can_decide = (
        permissions.can_decide_micro_project(user, contract)
        and project.status == MicroProjectStatus.SUBMITTED
    )
    can_pay = (
        permissions.can_record_fph_payment(user, contract)
        and project.status == MicroProjectStatus.ACCEPTED
    )
    if can_decide and decision_form is None:
        decision_form = DecisionForm(meetings=services.committee_meetings(contract))
    if can_pay and payment_form is None:
        payment_form = PaymentForm(project=project)
    files = list(project.files.all())
    return render(
        request,
        "participation/micro_project_detail.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract, public=True, committee=True),
            "project": project,
            "fund": project.fund,
            "use": services.consumption(project.fund),
            "share_limit": services.share_limit(project.fund, project.total_cost),
            "decision_form": decision_form if can_decide else None,
            "payment_form": payment_form if can_pay else None,
            "receipt": services.receipt(project),
            "receipts": [f for f in files if f.kind == MicroProjectFileKind.RECEIPT],
            "photos": [f for f in files if f.kind == MicroProjectFileKind.PHOTO],
        },
        status=200,
    )


@contract_page(permissions.can_view_fund_committee)
def micro_project_detail(request, contract, uuid):
    return _render_project(request, contract, _project_or_404(contract, uuid))


@require_POST
@contract_page(permissions.can_decide_micro_project)
def micro_project_decide(request, contract, uuid):
    project = _project_or_404(contract, uuid)
    form = DecisionForm(request.POST, meetings=services.committee_meetings(contract))
    if form.is_valid():
        try:
            project = services.decide_micro_project(
                project=project, by=request.user, **form.service_arguments()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Décision enregistrée : « {project.title} » {project.get_status_display()}. "
                "Le groupe est prévenu par courriel.",
            )
            return redirect(_project_url(contract, project))
    project.refresh_from_db()
    return _render_project(request, contract, project, decision_form=form)


@require_POST
@contract_page(permissions.can_record_fph_payment)
def micro_project_pay(request, contract, uuid):
    project = _project_or_404(contract, uuid)
    form = PaymentForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.record_payment(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Versement enregistré.")
            return redirect(_project_url(contract, project))
    project.refresh_from_db()
    return _render_project(request, contract, project, payment_form=form)


@contract_page(permissions.can_view_fund_committee)
def micro_project_file(request, contract, uuid, pk):
    """A photo or receipt of a bilan, for the committee only (never public media)."""
    project = _project_or_404(contract, uuid)
    document = get_object_or_404(project.files, pk=pk)
    return private_file_response(
        document.file, filename=document.name, content_type=document.content_type
    )


def _project_url(contract, project):
    return reverse(
        "participation:micro-project-detail", kwargs={"slug": contract.slug, "uuid": project.uuid}
    )
