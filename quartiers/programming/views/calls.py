"""Calls for projects: list of a contract's calls, creation, page, settings and life cycle."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from quartiers.access.decorators import contract_page, refuse
from quartiers.core import idempotency
from quartiers.programming import permissions, services
from quartiers.programming.enums import ApplicationStatus, CallStatus
from quartiers.programming.forms.calls import CallEditForms, CallForm
from quartiers.programming.models import Application, CallForProjects


def breadcrumb(contract, call=None):
    """Contrats › contract › Appels à projets (› call): shared with the application pages."""
    links = [
        ("Contrats", reverse("contracts:contract-list")),
        (contract.name, contract.get_absolute_url()),
        ("Appels à projets", reverse("programming:call-list", kwargs={"slug": contract.slug})),
    ]
    if call is not None:
        links.append((call.title, call.get_absolute_url()))
    return links


def call_page(check=permissions.can_view_call):
    """Fetch the URL's call; run the view only if `check(user, call)` (else login or 403)."""

    def decorator(view):
        @login_not_required
        @wraps(view)
        def wrapper(request, uuid, **kwargs):
            call = get_object_or_404(CallForProjects.objects.select_related("contract"), uuid=uuid)
            if not check(request.user, call):
                return refuse(request)
            return view(request, call, **kwargs)

        return wrapper

    return decorator


@contract_page()
def call_list(request, contract):
    calls = contract.calls.annotate(
        submitted_count=Count(
            "applications", filter=~Q(applications__status__in=services.NOT_SUBMITTED)
        )
    )
    can_manage = permissions.can_manage_calls(request.user, contract)
    if not can_manage:
        calls = calls.exclude(status=CallStatus.DRAFT)
    return render(
        request,
        "programming/calls/call_list.html",
        {
            "contract": contract,
            "breadcrumb": breadcrumb(contract)[:-1],
            "calls": calls,
            "can_manage": can_manage,
        },
    )


@contract_page(check=permissions.can_manage_calls)
@idempotency.replays_submissions
def call_create(request, contract):
    latest = contract.calls.order_by("-year").first()
    year = latest.year + 1 if latest else timezone.localdate().year
    form = CallForm(request.POST or None, contract=contract, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        response = idempotency.submit(
            request,
            form,
            create=lambda: form.create(by=request.user),
            url=lambda call: reverse("programming:call-edit", kwargs={"uuid": call.uuid}),
            success=lambda call: (
                f"Appel « {call} » créé : ajoutez ses financeurs, pièces demandées et critères."
            ),
        )
        if response:
            return response
    return render(
        request,
        "programming/calls/call_create.html",
        {"contract": contract, "breadcrumb": breadcrumb(contract), "form": form},
    )


@call_page()
def call_detail(request, call):
    user = request.user
    contract = call.contract
    can_manage = permissions.can_manage_call(user, call)
    can_apply = permissions.can_apply(user, call)
    funders = call.funders.select_related("organisation")
    context = {
        "contract": contract,
        "call": call,
        "breadcrumb": breadcrumb(contract),
        "priorities": call.priorities.all(),
        "engagements": call.engagements.all(),
        "funders": funders,
        "envelopes": funders.aggregate(total=Sum("envelope"))["total"],
        "required_attachments": call.required_attachments.all(),
        "criteria": call.criteria.all(),
        "is_open": services.is_open_for_submission(call),
        "deadline_passed": timezone.now() > call.deadline,
        "can_manage": can_manage,
        "can_apply": can_apply,
        "can_open": can_manage and call.status == CallStatus.DRAFT,
        "can_start_instruction": can_manage and call.status == CallStatus.OPEN,
    }
    if can_manage:
        context["status_counts"] = [
            (ApplicationStatus(row["status"]).label, row["count"])
            for row in call.applications.values("status")
            .annotate(count=Count("pk"))
            .order_by("status")
        ]
    if permissions.can_read_call_applications(user, call):
        context["filed_applications"] = (
            call.applications.submitted()
            .select_related("carrier")
            .prefetch_related("funding_requests")  # the status in words reads them
            .order_by("title")
        )
    if can_apply:
        carriers = permissions.carrier_organisations(user, contract)
        context["my_applications"] = (
            call.applications.for_carrier(carriers)
            .select_related("carrier")
            .prefetch_related("funding_requests")
        )
        context["can_renew"] = (
            Application.objects.filter(
                contract=contract, call__year=call.year - 1, carrier__in=carriers
            )
            .submitted()
            .exists()
        )
    return render(request, "programming/calls/call_detail.html", context)


@call_page(check=permissions.can_manage_call)
def call_edit(request, call):
    forms = CallEditForms(call, request.POST or None)
    if request.method == "POST" and forms.is_valid():
        try:
            forms.save(by=request.user)
        except ValidationError as error:
            forms.form.add_error(None, error)
        else:
            messages.success(request, "Appel à projets enregistré.")
            return redirect(call)
    return render(
        request,
        "programming/calls/call_edit.html",
        {
            "contract": call.contract,
            "call": call,
            "breadcrumb": breadcrumb(call.contract, call),
            "forms": forms,
        },
    )


def _lifecycle(request, call, operation, success):
    try:
        result = operation(call=call, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(call)
    messages.success(request, success(result))
    return redirect(result if isinstance(result, CallForProjects) else call)


@require_POST
@call_page(check=permissions.can_manage_call)
def call_copy(request, call):
    return _lifecycle(
        request,
        call,
        services.copy_call_to_next_year,
        lambda new: (
            f"Appel {new.year} préparé à partir de celui de {call.year} : "
            "vérifiez ses dates puis ouvrez-le."
        ),
    )


@require_POST
@call_page(check=permissions.can_manage_call)
def call_open(request, call):
    return _lifecycle(
        request, call, services.open_call, lambda _: "Appel ouvert : les porteurs peuvent déposer."
    )


@require_POST
@call_page(check=permissions.can_manage_call)
def call_start_instruction(request, call):
    return _lifecycle(
        request,
        call,
        services.start_instruction,
        lambda count: f"Appel clos : {count} dossier{'s' if count > 1 else ''} en instruction.",
    )


urlpatterns = [
    path("contrats/<slug:slug>/appels/", call_list, name="call-list"),
    path("contrats/<slug:slug>/appels/nouveau/", call_create, name="call-create"),
    path("appels/<uuid:uuid>/", call_detail, name="call-detail"),
    path("appels/<uuid:uuid>/modifier/", call_edit, name="call-edit"),
    path("appels/<uuid:uuid>/reconduire/", call_copy, name="call-copy"),
    path("appels/<uuid:uuid>/ouvrir/", call_open, name="call-open"),
    path("appels/<uuid:uuid>/instruire/", call_start_instruction, name="call-start-instruction"),
]
