"""Views: co-instruction of the applications by the funders, and the conseil citoyen's opinion."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from quartiers.accounts.models import Organisation
from quartiers.programming import exports, permissions, services
from quartiers.programming.enums import BudgetSide
from quartiers.programming.forms.instruction import CouncilOpinionForm, OpinionForm
from quartiers.programming.models import Application, FunderOpinion
from quartiers.programming.views import calls
from quartiers.programming.views.access import application_page

# --------------------------------------------------------------------------- helpers


def breadcrumb(call) -> list[tuple[str, str]]:
    """Contracts › contract › calls › call: the parents of the instruction pages of a call."""
    return calls.breadcrumb(call.contract, call)


# --------------------------------------------------------------------------- views


@calls.call_page(check=permissions.can_list_instruction)
def instruction_list(request, call):
    contract = call.contract
    steering = permissions.can_run_committees(request.user, contract)
    own_funders = Organisation.objects.filter(
        pk__in=permissions.funder_organisations(request.user, contract)
    ).order_by("name")
    funder_tables = [
        exports.consolidate(
            call, Application.objects.for_call(call).asking(funder).submitted(), funders=[funder]
        )
        for funder in own_funders
    ]
    return render(
        request,
        "programming/instruction/instruction_list.html",
        {
            "call": call,
            "breadcrumb": breadcrumb(call),
            "funder_tables": funder_tables,
            "consolidation": exports.consolidate(call) if steering else None,
            "sessions": call.sessions.all() if steering else None,
            "steering": steering,
        },
    )


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
    path("dossiers/<uuid:uuid>/avis/<int:funder>/", opinion_edit, name="opinion-edit"),
    path("dossiers/<uuid:uuid>/avis-conseil-citoyen/", council_opinion, name="council-opinion"),
]
