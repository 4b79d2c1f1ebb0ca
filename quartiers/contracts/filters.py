"""Filters of the commitments matrix (GET form, shared by the page and the exports)."""

import django_filters

from quartiers.contracts.enums import Role
from quartiers.contracts.models import Engagement, Partner, Pillar, Theme
from quartiers.core.forms import BaseForm


class EngagementFilter(django_filters.FilterSet):
    pillar = django_filters.ModelChoiceFilter(
        label="Pilier", queryset=Pillar.objects.none(), empty_label="Tous les piliers"
    )
    theme = django_filters.ModelChoiceFilter(
        label="Thème", queryset=Theme.objects.none(), empty_label="Tous les thèmes"
    )
    partner = django_filters.ModelChoiceFilter(
        label="Partenaire",
        queryset=Partner.objects.none(),
        to_field_name="code",
        empty_label="Tous les partenaires",
        method="filter_by_role",
    )
    role = django_filters.ChoiceFilter(
        label="Rôle", choices=Role.choices, empty_label="Tous les rôles", method="filter_by_role"
    )
    q = django_filters.CharFilter(
        label="Texte de l'engagement", field_name="text", lookup_expr="icontains"
    )

    class Meta:
        model = Engagement
        fields = ["pillar", "theme", "partner", "role", "q"]
        form = BaseForm

    def __init__(self, data=None, *, contract, **kwargs):
        queryset = Engagement.objects.for_contract(contract).in_matrix_order()
        super().__init__(data, queryset=queryset, **kwargs)
        self.filters["pillar"].queryset = contract.pillars.all()
        self.filters["theme"].queryset = Theme.objects.filter(pillar__contract=contract)
        self.filters["partner"].queryset = contract.partners.all()

    def filter_by_role(self, queryset, name, value):
        # Partner and role must match the same role of the engagement: both are applied
        # together in filter_queryset().
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        partner = self.form.cleaned_data.get("partner")
        role = self.form.cleaned_data.get("role")
        if partner or role:
            queryset = queryset.involving(partner=partner, role=role)
        return queryset
