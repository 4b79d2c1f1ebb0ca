"""Forms of the conseil citoyen: the council, its members, volunteer lists, draws."""

from django import forms
from django.core.exceptions import ValidationError

from quartiers.accounts.models import Organisation
from quartiers.core.forms import BaseForm, IdempotentForm
from quartiers.participation import volunteers
from quartiers.participation.enums import College, Gender
from quartiers.participation.services import CONSENT_TEXTS, CONSENT_VERSION

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _checkboxes(form):
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.template_name = "components/checkbox_field.html"
        elif isinstance(field.widget, forms.RadioSelect):
            field.template_name = "components/choice_field.html"


class CouncilForm(BaseForm):
    name = forms.CharField(label="Nom du conseil citoyen", max_length=200)
    created_on = forms.DateField(label="Créé le", required=False, widget=DATE)
    carrying_organisation = forms.ModelChoiceField(
        label="Structure porteuse (organisation du contrat)",
        help_text="La personne morale à qui le préfet a reconnu la qualité de structure porteuse.",
        queryset=Organisation.objects.none(),
        required=False,
    )
    carrying_structure_name = forms.CharField(
        label="… ou son nom, si elle n'est pas sur la plateforme",
        max_length=200,
        required=False,
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrying_organisation"].queryset = organisations


class MemberForm(BaseForm):
    college = forms.ChoiceField(label="Collège", choices=College.choices, widget=forms.RadioSelect)
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150)
    gender = forms.ChoiceField(
        label="Genre (pour la parité)",
        help_text="Tel que la personne le déclare ; sert seulement à compter la parité.",
        choices=Gender.choices,
        widget=forms.RadioSelect,
    )
    email = forms.EmailField(label="Adresse électronique", required=False)
    represents = forms.CharField(
        label="Représente (association ou acteur local)", max_length=200, required=False
    )
    term_starts_on = forms.DateField(label="Début du mandat", widget=DATE)
    term_ends_on = forms.DateField(label="Fin du mandat", required=False, widget=DATE)
    user = forms.ModelChoiceField(
        label="Compte sur la plateforme (facultatif)",
        help_text=(
            "Une personne qui a le rôle « membre du conseil citoyen » sur ce contrat : ce rôle "
            "lui donne accès à la plateforme, l'adhésion au conseil est enregistrée ici."
        ),
        queryset=None,
        required=False,
    )
    consent_given = forms.BooleanField(
        label="La personne a donné son consentement au traitement de ses données",
        help_text=f"Texte (version {CONSENT_VERSION}) : « {CONSENT_TEXTS[CONSENT_VERSION]} »",
        required=False,
    )

    def __init__(self, *args, accounts, consent_recorded=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = accounts
        if consent_recorded:
            del self.fields["consent_given"]
        _checkboxes(self)


class MemberCreateForm(IdempotentForm, MemberForm):
    """Adding a member, possibly a resident drawn by lot (`volunteer`, a hidden field read
    from `?volontaire=<pk>` among the contract's volunteers not erased)."""

    volunteer = forms.ModelChoiceField(
        queryset=None, required=False, widget=forms.HiddenInput, label="Volontaire tiré·e au sort"
    )

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers


class DepartureForm(BaseForm):
    left_on = forms.DateField(label="Date du départ", widget=DATE)


class VolunteerListForm(IdempotentForm, BaseForm):
    """A list from a spreadsheet, or typed: one of the two."""

    name = forms.CharField(label="Nom de la liste", max_length=200)
    file = forms.FileField(
        label="Fichier tableur",
        help_text=(
            "CSV, XLSX ou ODS, 2 Mo au plus : une ligne par volontaire, colonnes « nom », "
            "« genre » (femme ou homme) et, si vous l'avez, « e-mail »."
        ),
        required=False,
    )
    typed = forms.CharField(
        label="… ou saisissez la liste",
        help_text="Une ligne par volontaire : nom ; genre ; e-mail (facultatif).",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=200_000,
    )

    def clean(self):
        cleaned = super().clean()
        upload, typed = cleaned.get("file"), (cleaned.get("typed") or "").strip()
        if bool(upload) == bool(typed):
            raise ValidationError("Envoyez un fichier ou saisissez la liste (l'un des deux).")
        try:
            if upload:
                cleaned["rows"] = volunteers.read_volunteers(upload.name, upload.read())
                cleaned["source"] = f"fichier « {upload.name} »"
            else:
                cleaned["rows"] = volunteers.typed_volunteers(typed)
                cleaned["source"] = "saisie"
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return cleaned


class DrawForm(IdempotentForm, BaseForm):
    seats = forms.IntegerField(
        label="Nombre de sièges d'habitants à pourvoir",
        help_text="Un nombre pair : autant de femmes que d'hommes.",
        min_value=2,
        max_value=500,
    )
    seed = forms.CharField(
        label="Graine du tirage",
        help_text=(
            "Annoncez-la avant le tirage (réunion publique, affichage) : avec elle et la liste, "
            "chacun peut refaire le tirage. Celle proposée a été tirée par la plateforme."
        ),
        max_length=200,
    )
