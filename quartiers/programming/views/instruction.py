"""Views: co-instruction of the applications by the funders, and the conseil citoyen's opinion."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import formats

from quartiers.accounts.models import Organisation
from quartiers.core.forms import BaseForm
from quartiers.programming import exports, permissions, services
from quartiers.programming.enums import Opinion
from quartiers.programming.models import SUBSIDY_ACCOUNT, Application, FunderOpinion
from quartiers.programming.views import calls
from quartiers.programming.views.access import application_page

# --------------------------------------------------------------------------- forms


def _textarea():
    return forms.Textarea(attrs={"rows": 4})


class OpinionForm(BaseForm):
    """A funder's opinion; `version` is the one read when the form was shown (optimistic lock)."""

    opinion = forms.ChoiceField(
        label="Avis", choices=[("", "à instruire"), *Opinion.choices], required=False
    )
    proposed_amount = forms.DecimalField(
        label="Montant proposé (€)", min_value=0, max_digits=12, decimal_places=2, required=False
    )
    shared_comment = forms.CharField(
        label="Commentaire partagé",
        help_text="Lu par les autres financeurs sollicités et par le comité.",
        widget=_textarea(),
        required=False,
    )
    private_note = forms.CharField(
        label="Note interne",
        help_text="Lue seulement par les instructeurs de votre organisation.",
        widget=_textarea(),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, criteria, **kwargs):
        # One score per criterion of the call's grid, between the amount and the comments.
        scores = {
            self.score_field(criterion): forms.IntegerField(
                label=f"{criterion.label} (note sur {criterion.max_score})",
                help_text=f"Pondération : {formats.localize(criterion.weight.normalize())}.",
                min_value=0,
                max_value=criterion.max_score,
                required=False,
            )
            for criterion in criteria
        }
        fields = dict(self.base_fields)
        self.base_fields = {
            "opinion": fields.pop("opinion"),
            "proposed_amount": fields.pop("proposed_amount"),
            **scores,
            **fields,
        }
        self.criteria = criteria
        super().__init__(*args, **kwargs)

    @staticmethod
    def score_field(criterion) -> str:
        return f"score_{criterion.pk}"

    @classmethod
    def initial_from(cls, opinion: FunderOpinion, criteria) -> dict:
        initial = {
            "opinion": opinion.opinion,
            "proposed_amount": opinion.proposed_amount,
            "shared_comment": opinion.shared_comment,
            "private_note": opinion.private_note,
            "version": opinion.version,
        }
        for criterion in criteria:
            initial[cls.score_field(criterion)] = opinion.scores.get(str(criterion.pk))
        return initial

    def values(self) -> dict:
        """The keyword arguments of `services.save_funder_opinion`."""
        data = self.cleaned_data
        return {
            "verdict": data["opinion"],
            "proposed_amount": data["proposed_amount"],
            "shared_comment": data["shared_comment"],
            "private_note": data["private_note"],
            "scores": {
                str(criterion.pk): data[self.score_field(criterion)]
                for criterion in self.criteria
                if data[self.score_field(criterion)] is not None
            },
        }


class CouncilOpinionForm(BaseForm):
    opinion = forms.ChoiceField(
        label="Avis du conseil citoyen", choices=[("", "— choisir —"), *Opinion.choices]
    )
    comment = forms.CharField(label="Commentaire", widget=_textarea(), required=False)


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
        FunderOpinion.objects.select_related("funder"), application=application, funder_id=funder
    )
    opinion.application = application
    criteria = list(application.call.criteria.all())
    stale = None
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
    else:
        form = OpinionForm(initial=OpinionForm.initial_from(opinion, criteria), criteria=criteria)
    return render(
        request,
        "programming/instruction/opinion_form.html",
        {
            "application": application,
            "call": application.call,
            "breadcrumb": breadcrumb(application.call),
            "opinion": opinion,
            "asked": application.budget_lines.filter(
                account=SUBSIDY_ACCOUNT, funder_id=funder
            ).aggregate(total=Sum("amount"))["total"],
            "form": form,
            "stale": stale,
            "saved_scores": [
                (criterion, opinion.scores.get(str(criterion.pk))) for criterion in criteria
            ],
            "saved_score": services.grid_score(opinion, criteria),
        },
    )


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
