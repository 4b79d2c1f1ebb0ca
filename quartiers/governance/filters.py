"""The search of the register of decisions (GET form, shared by the page and its exports)."""

import django_filters
from django.db.models import Q

from quartiers.core.forms import BaseForm
from quartiers.governance.enums import DecisionKind
from quartiers.governance.models import Body, Decision


class DecisionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Rechercher (numéro, intitulé, texte)", method="search")
    body = django_filters.ModelChoiceFilter(
        label="Instance",
        queryset=Body.objects.none(),
        to_field_name="code",
        empty_label="Toutes les instances",
    )
    year = django_filters.ChoiceFilter(label="Année", empty_label="Toutes les années")
    kind = django_filters.ChoiceFilter(
        label="Objet", choices=DecisionKind.choices, empty_label="Tous les objets"
    )

    class Meta:
        model = Decision
        fields = ["q", "body", "year", "kind"]
        form = BaseForm

    def __init__(self, data=None, *, queryset, contract):
        super().__init__(data, queryset=queryset)
        self.filters["body"].queryset = contract.bodies.all()
        years = sorted(set(queryset.values_list("year", flat=True)), reverse=True)
        self.filters["year"].extra["choices"] = [(y, str(y)) for y in years]

    def search(self, queryset, name, value):
        """Each word in the number, the title or the text."""
        for word in value.split():
            queryset = queryset.filter(
                Q(number__icontains=word) | Q(title__icontains=word) | Q(text__icontains=word)
            )
        return queryset
