from django import forms

from quartiers.core.forms import BaseForm, FastSelect, FastTextInput, IdempotentForm
from quartiers.governance.enums import BodyKind, MemberRole, Presence


class BodyForm(IdempotentForm, BaseForm):
    name = forms.CharField(label="Nom de l'instance", max_length=200)
    kind = forms.ChoiceField(label="Nature", choices=BodyKind.choices)


class MemberForm(IdempotentForm, BaseForm):
    partner = forms.ModelChoiceField(
        label="Partenaire", queryset=None, empty_label="— choisir un partenaire —"
    )
    role = forms.ChoiceField(label="Rôle", choices=MemberRole.choices, initial=MemberRole.MEMBER)
    voting = forms.BooleanField(label="Voix délibérative", required=False, initial=True)

    def __init__(self, *args, body, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = (
            body.contract.partners.exclude(memberships__body=body)
            .select_related("parent")
            .order_by("name")
        )
        self.fields["partner"].label_from_instance = lambda p: (
            f"{p.name} ({p.code})" if p.code != p.name else p.name
        )


class PersonForm(IdempotentForm, BaseForm):
    name = forms.CharField(label="Nom et prénom", max_length=200)
    quality = forms.CharField(
        label="Qualité (facultatif)",
        max_length=200,
        required=False,
        help_text="Par exemple : personne qualifiée, délégué·e du conseil citoyen.",
    )
    email = forms.EmailField(
        label="Adresse électronique (facultatif)",
        required=False,
        help_text="Pour lui envoyer les convocations.",
    )
    role = forms.ChoiceField(label="Rôle", choices=MemberRole.choices, initial=MemberRole.MEMBER)
    voting = forms.BooleanField(label="Voix délibérative", required=False, initial=True)


class MeetingForm(BaseForm):
    date = forms.DateField(
        label="Date", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        label="Heure de début",
        required=False,
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
    )
    end_time = forms.TimeField(
        label="Heure de fin",
        required=False,
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
    )
    place = forms.CharField(label="Lieu", max_length=300, required=False)
    video_url = forms.URLField(
        label="Lien de visioconférence",
        required=False,
        assume_scheme="https",
        help_text="Facultatif, par exemple https://webconf.exemple.fr/salle",
    )


class MeetingCreateForm(IdempotentForm, MeetingForm):
    pass


class EngagementChoiceForm(BaseForm):
    """A form with an optional `engagement` of the contract (passed as `contract`)."""

    engagement = forms.ModelChoiceField(
        label="Engagement du contrat concerné (facultatif)",
        queryset=None,
        required=False,
        empty_label="— aucun —",
    )

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["engagement"]
        field.queryset = contract.engagements.order_by("number")
        field.label_from_instance = lambda e: f"n° {e.number} — {e.text[:90]}"


class AgendaEntryForm(EngagementChoiceForm):
    title = forms.CharField(label="Intitulé du point", max_length=300, required=False)
    field_order = ["title", "engagement"]


class AttendanceRowForm(BaseForm):
    """One convened institution's row of the attendance table (prefix: its partner's pk)."""

    presence = forms.ChoiceField(
        label="Présence",
        choices=[("", "— à saisir —"), *Presence.choices],
        required=False,
        widget=FastSelect,
    )
    represented_by = forms.CharField(
        label="Représentée par", max_length=200, required=False, widget=FastTextInput
    )


class DecisionForm(IdempotentForm, EngagementChoiceForm):
    """A decision taken at a meeting, other than the programming's funding (written by the
    programming's decision table)."""

    title = forms.CharField(label="Intitulé de la décision", max_length=300)
    text = forms.CharField(
        label="Texte de la décision", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    field_order = ["title", "text", "engagement"]

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, contract=contract, **kwargs)
        self.fields["engagement"].label = "Engagement du contrat qu'elle modifie (facultatif)"


class MinutesForm(BaseForm):
    """The minutes' text; `version` is the one read when the form was shown (optimistic lock)."""

    text = forms.CharField(
        label="Texte du compte rendu",
        widget=forms.Textarea(attrs={"rows": 24}),
        required=False,
        strip=False,
        help_text="Texte simple : une ligne vide sépare deux paragraphes. Une fois approuvé, le "
        "compte rendu est public : n'y nommez aucun habitant.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class MeetingDocumentForm(IdempotentForm, BaseForm):
    file = forms.FileField(
        label="Fichier",
        help_text="PDF, image (JPEG, PNG) ou document bureautique (DOCX, XLSX, ODT, ODS) ; "
        "10 Mo au plus.",
    )
    title = forms.CharField(
        label="Titre du document",
        max_length=200,
        required=False,
        help_text="Facultatif : le nom du fichier par défaut.",
    )
    public = forms.BooleanField(
        label="Publier ce document",
        required=False,
        help_text="Un document publié se lit sans compte sur la page publique de la réunion "
        "(contrat publié). Ne publiez aucun document qui contient des données personnelles "
        "(liste d'émargement, coordonnées…).",
    )
