"""Forms of the instruction: a funder's opinion, the conseil citoyen's opinion."""

from django import forms
from django.utils import formats

from quartiers.core.forms import BaseForm
from quartiers.programming.enums import Opinion
from quartiers.programming.models import FunderOpinion


def _textarea():
    return forms.Textarea(attrs={"rows": 4})


class OpinionForm(BaseForm):
    """A funder's opinion; `version` is the one read when the form was shown (optimistic lock)."""

    opinion = forms.ChoiceField(
        label="Avis", choices=[("", "à instruire"), *Opinion.choices], required=False
    )
    proposed = forms.DecimalField(
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
            "proposed": fields.pop("proposed"),
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
            "proposed": opinion.request.proposed,
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
            "proposed": data["proposed"],
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
