"""Views: co-instruction of the applications by the funders, and the conseil citoyen's opinion."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse

from quartiers.accounts.models import Organisation
from quartiers.core import spreadsheets
from quartiers.core.pagination import paginate
from quartiers.programming import exports, permissions, services
from quartiers.programming.enums import BudgetSide
from quartiers.programming.filters import QueueFilter
from quartiers.programming.forms.instruction import CouncilOpinionForm, OpinionForm
from quartiers.programming.models import Application, FunderOpinion, FundingRequest
from quartiers.programming.views import calls
from quartiers.programming.views.access import application_page

# --------------------------------------------------------------------------- helpers


def breadcrumb(call) -> list[tuple[str, str]]:
    """Contracts › contract › calls › call: the parents of the instruction pages of a call."""
    return calls.breadcrumb(call.contract, call)


# --------------------------------------------------------------------------- views


def _call_filter(request, call) -> tuple[QueueFilter, list]:
    """The filters of a call's consolidated view, over the dossiers this person may list: all
    filed dossiers for the steering roles, those asking one's funders for an instructor."""
    user, contract = request.user, call.contract
    applications = Application.objects.for_call(call).submitted()
    own = Organisation.objects.filter(
        pk__in=permissions.funder_organisations(user, contract)
    ).order_by("name")
    steering = permissions.can_run_committees(user, contract)
    if not steering:
        asked = FundingRequest.objects.filter(application=OuterRef("pk"), funder__in=own)
        applications = applications.filter(Exists(asked))
    filterset = QueueFilter(
        request.GET,
        queryset=applications,
        applications=applications,
        funders=None if steering else own,
    )
    return filterset, list(own)


@calls.call_page(check=permissions.can_list_instruction)
def instruction_list(request, call):
    contract = call.contract
    steering = permissions.can_run_committees(request.user, contract)
    filterset, own_funders = _call_filter(request, call)
    pagination = paginate(request, filterset.qs.values_list("pk", flat=True))
    page = Application.objects.filter(pk__in=list(pagination.objects)).order_by(
        *filterset.ordering()
    )
    funder_tables = [
        exports.consolidate(call, page.asking(funder), funders=[funder], totals_of=filterset.qs)
        for funder in own_funders
    ]
    export_url = reverse("programming:instruction-export", kwargs={"uuid": call.uuid})
    return render(
        request,
        "programming/instruction/instruction_list.html",
        {
            "call": call,
            "breadcrumb": breadcrumb(call),
            "filter": filterset,
            "pagination": pagination,
            "reset_url": reverse("programming:instruction-list", kwargs={"uuid": call.uuid}),
            "export_url": f"{export_url}?{pagination.query}" if pagination.query else export_url,
            "funder_tables": funder_tables,
            "consolidation": exports.consolidate(call, page, totals_of=filterset.qs)
            if steering
            else None,
            "sessions": call.sessions.all() if steering else None,
            "steering": steering,
        },
    )


@calls.call_page(check=permissions.can_list_instruction)
def instruction_export(request, call):
    """The consolidated view as CSV, filtered as on the page: every funder's columns for the
    steering roles, one's own funders' for an instructor (never a private note)."""
    filterset, own_funders = _call_filter(request, call)
    steering = permissions.can_run_committees(request.user, call.contract)
    consolidation = exports.consolidate(
        call, filterset.qs, funders=None if steering else own_funders
    )
    header, rows = exports.instruction_table(consolidation)
    content = spreadsheets.write("csv", header, rows, title="Instruction")
    response = HttpResponse(content, content_type=spreadsheets.CONTENT_TYPES["csv"])
    filename = f"instruction-{call.year}-{call.contract.slug}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@application_page()
def opinion_edit(request, application, funder):
    if funder not in permissions.instructed_funders(request.user, application):
        raise PermissionDenied
    opinion = get_object_or_404(
        FunderOpinion.objects.select_related("request__funder"),
        request__application=application,
        request__funder_id=funder,
    )
    opinion.request.application = application
    criteria = list(application.call.criteria.all())
    stale = None
    can_save = permissions.can_save_funder_opinion(request.user, application, funder)
    form = None
    if request.method == "POST" and not can_save:
        messages.error(request, _opinion_refusal(application))
        return redirect("programming:opinion-edit", uuid=application.uuid, funder=funder)
    if request.method == "POST":
        form = OpinionForm(request.POST, criteria=criteria)
        if form.is_valid():
            try:
                services.save_funder_opinion(
                    opinion=opinion,
                    expected_version=form.cleaned_data["version"],
                    by=request.user,
                    **form.values(),
                )
            except services.StaleOpinion as error:
                # Keep what the person typed; show what is saved; saving again replaces it.
                opinion.refresh_from_db()
                stale = error.messages[0]
                data = request.POST.copy()
                data["version"] = str(opinion.version)
                form = OpinionForm(data, criteria=criteria)
                form.is_valid()
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Avis de {opinion.funder} enregistré.")
                return redirect("programming:instruction-list", uuid=application.call.uuid)
    elif can_save:
        form = OpinionForm(initial=OpinionForm.initial_from(opinion, criteria), criteria=criteria)
    return render(
        request,
        "programming/instruction/opinion_form.html",
        {
            "application": application,
            "call": application.call,
            "breadcrumb": breadcrumb(application.call),
            "opinion": opinion,
            "form": form,
            "stale": stale,
            "saved_scores": [
                (criterion, opinion.scores.get(str(criterion.pk))) for criterion in criteria
            ],
            "saved_score": services.grid_score(opinion, criteria),
            "refusal": None if can_save else _opinion_refusal(application),
            "dossier": _essentials(request.user, application),
        },
    )


def _opinion_refusal(application) -> str:
    """Why the opinion of `application` cannot be saved now (the service's own rules)."""
    if application.contract.is_archived:
        return "Le contrat est archivé : l'avis ne peut plus être modifié."
    if application.status in services.CORRECTABLE:
        return (
            "Un complément a été demandé au porteur : l'avis pourra être enregistré quand il "
            "aura renvoyé le dossier."
        )
    return (
        f"Ce dossier est « {application.get_status_display()} » : l'avis ne peut plus être modifié."
    )


def _essentials(user, application) -> dict:
    """What an instructor reads beside the opinion form: the action, its budget, its pieces."""
    totals = application.budget_totals()
    return {
        "totals": [(BudgetSide(side).label, total) for side, total in totals.items()],
        "requests": list(application.funding_requests.select_related("funder")),
        "attachments": list(application.attachments.select_related("required"))
        if permissions.can_view_personal_data(user, application)
        else None,
        "qpvs": list(application.qpvs.all()),
    }


@application_page(check=permissions.can_give_council_opinion)
def council_opinion(request, application):
    current = getattr(application, "council_opinion", None)
    if request.method == "POST":
        form = CouncilOpinionForm(request.POST)
        if form.is_valid():
            try:
                services.give_council_opinion(
                    application=application, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Avis du conseil citoyen enregistré.")
                return redirect("programming:council-opinion", uuid=application.uuid)
    else:
        initial = {"opinion": current.opinion, "comment": current.comment} if current else {}
        form = CouncilOpinionForm(initial=initial)
    return render(
        request,
        "programming/instruction/council_opinion_form.html",
        {
            "application": application,
            "breadcrumb": breadcrumb(application.call),
            "form": form,
            "current": current,
        },
    )


urlpatterns = [
    path("appels/<uuid:uuid>/instruction/", instruction_list, name="instruction-list"),
    path(
        "appels/<uuid:uuid>/instruction/export.csv", instruction_export, name="instruction-export"
    ),
    path("dossiers/<uuid:uuid>/avis/<int:funder>/", opinion_edit, name="opinion-edit"),
    path("dossiers/<uuid:uuid>/avis-conseil-citoyen/", council_opinion, name="council-opinion"),
]
