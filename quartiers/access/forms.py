"""Forms of roles per contract (DSFR rendering via the base forms)."""

from django import forms
from django.utils.text import capfirst
from dsfr.utils import dsfr_input_class_attr

from quartiers.access.enums import ROLES_WITH_ORGANISATION, ContractRole
from quartiers.accounts.models import Organisation
from quartiers.accounts.permissions import can_set_kind
from quartiers.contracts.enums import Role
from quartiers.contracts.models import Theme
from quartiers.core.enums import OrganisationKind
from quartiers.core.forms import BaseForm, IdempotentForm


class InviteForm(IdempotentForm, BaseForm):
    """Invite a person (or find them by e-mail) and give them a role on a contract."""

    email = forms.EmailField(label="Adresse électronique")
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
    role = forms.ChoiceField(
        label="Rôle",
        choices=[],
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.all(),
        required=False,
        empty_label="Aucune",
        help_text="Obligatoire pour un instructeur d'un financeur et pour un porteur de projet : "
        "un partenaire du contrat ou une organisation qui y a déjà un rôle.",
    )

    def __init__(self, *args, roles, organisations, **kwargs):
        """`roles` and `organisations`: what the person inviting may give (permissions)."""
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            ("", "Choisir un rôle"),
            *((r, capfirst(ContractRole(r).label)) for r in roles),
        ]
        self.fields["organisation"].queryset = organisations.order_by("name")

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role in ROLES_WITH_ORGANISATION and not cleaned.get("organisation"):
            self.add_error(
                "organisation",
                f"Le rôle « {ContractRole(role).label} » s'exerce pour une organisation : "
                "choisissez-la.",
            )
        return cleaned


class PartnerCorrectionForm(IdempotentForm, BaseForm):
    """Correct an imported partner: name, nature, parent (the service checks the rules)."""

    name = forms.CharField(label="Nom", max_length=300, strip=True)
    kind = forms.ChoiceField(label="Nature", choices=[])
    parent = forms.ModelChoiceField(
        label="Rattaché à",
        queryset=None,
        required=False,
        empty_label="Aucun (partenaire de premier niveau)",
        help_text="Un service de l'État est rattaché à l'État.",
    )
    warning = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, partner, user, **kwargs):
        kwargs.setdefault(
            "initial",
            {"name": partner.name, "kind": partner.kind, "parent": partner.parent_id},
        )
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = partner.contract.partners.exclude(pk=partner.pk)
        kinds = [k for k in OrganisationKind if can_set_kind(user, k, partner.kind)]
        self.fields["kind"].choices = [(k.value, capfirst(k.label)) for k in kinds]
        self.kind_locked = kinds == [OrganisationKind(partner.kind)]
        if self.kind_locked:
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = (
                "La nature d'une institution publique (État, service de l'État, collectivité, "
                "CAF…) est donnée ou retirée par un administrateur de la plateforme."
            )
        else:
            self.fields["kind"].help_text = (
                "Les natures d'institution publique (État, service de l'État, collectivité, "
                "CAF…) sont données par un administrateur de la plateforme."
                if len(kinds) < len(OrganisationKind)
                else ""
            )


ROLE_CHOICES = [("", "Aucun rôle"), *((r.value, capfirst(r.label)) for r in Role)]


class EngagementCorrectionForm(IdempotentForm, BaseForm):
    """Correct an engagement: text, pillar, theme and one role per partner (or State service)."""

    text = forms.CharField(label="Texte de l'engagement", widget=forms.Textarea, max_length=20_000)
    pillar = forms.ModelChoiceField(label="Pilier", queryset=None, empty_label=None)
    theme = forms.ModelChoiceField(
        label="Thème",
        queryset=None,
        required=False,
        empty_label="Aucun thème",
        help_text="Un thème du pilier choisi.",
    )
    warning = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, engagement, **kwargs):
        contract = engagement.contract
        current = {(r.partner_id, r.service_id): r.role for r in engagement.roles.all()}
        self.role_pairs = {}
        for partner in contract.partners.with_services():
            pairs = [(partner, None), *((partner, s) for s in partner.services.all())]
            for owner, service in pairs:
                key = (owner.pk, service.pk if service else None)
                if owner.is_grid_column or key in current:
                    self.role_pairs[f"role_{owner.pk}_{key[1] or 0}"] = (owner, service)
        # Roles the grid holds beyond its columns (a service named as a partner…) stay offered.
        covered = {(p.pk, s.pk if s else None) for p, s in self.role_pairs.values()}
        for role in engagement.roles.select_related("partner", "service"):
            if (role.partner_id, role.service_id) not in covered:
                name = f"role_{role.partner_id}_{role.service_id or 0}"
                self.role_pairs[name] = (role.partner, role.service)
        initial = {
            "text": engagement.text,
            "pillar": engagement.pillar_id,
            "theme": engagement.theme_id,
            **{
                name: current.get((p.pk, s.pk if s else None), "")
                for name, (p, s) in self.role_pairs.items()
            },
        }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["pillar"].queryset = contract.pillars.all()
        self.fields["theme"].queryset = Theme.objects.filter(
            pillar__contract=contract
        ).select_related("pillar")
        self.fields["theme"].label_from_instance = lambda t: f"{t.pillar.name} — {t.name}"
        for name, (partner, service) in self.role_pairs.items():
            label = f"{partner.code} — service {service.code}" if service else partner.code
            self.fields[name] = forms.ChoiceField(
                label=f"Rôle de {label}",
                choices=ROLE_CHOICES,
                required=False,
                help_text=(service or partner).name,
            )
            dsfr_input_class_attr(self[name])

    def clean(self):
        cleaned = super().clean()
        pillar, theme = cleaned.get("pillar"), cleaned.get("theme")
        if pillar and theme and theme.pillar_id != pillar.pk:
            self.add_error("theme", f"Ce thème n'appartient pas au pilier « {pillar} ».")
        return cleaned

    def roles(self):
        """The chosen roles, as `correct_engagement` takes them."""
        return {
            pair: self.cleaned_data[name]
            for name, pair in self.role_pairs.items()
            if self.cleaned_data.get(name)
        }
