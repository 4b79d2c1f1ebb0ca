from django import forms

from quartiers.core.forms import BaseForm, IdempotentForm
from quartiers.governance.enums import BodyKind, MemberRole


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
