"""The filters of the work queues (GET form, shared by the pages and their CSV exports).

One `QueueFilter` serves every list of dossiers: the funder instructor's inbox (a queryset of
`FundingRequest`, `path="application__"`), a call's consolidated view and the conseil citoyen's
list (querysets of `Application`, `path=""`). `opinion` says whose opinion « given or not »
reads: the request's own (`REQUEST`), every request of the application (`APPLICATION`, limited
to `funders` when given) or the conseil citoyen's (`COUNCIL`).
"""

import django_filters
from django.db.models import Exists, OuterRef, Q

from quartiers.accounts.models import Organisation
from quartiers.contracts.models import Pillar, Qpv, Theme
from quartiers.core.forms import BaseForm, FastSelect
from quartiers.programming.enums import ApplicationStatus
from quartiers.programming.models import CallForProjects, FundingRequest
from quartiers.programming.workflow import NOT_SUBMITTED

REQUEST, APPLICATION, COUNCIL = "request", "application", "council"

OPINION_MISSING = "missing"  # « avis à donner »: what an instructor's home links to
OPINION_CHOICES = [("given", "avis donné"), (OPINION_MISSING, "avis à donner")]

# sort value → (label, fields relative to the application; "requested" is the request's amount)
SORTS = {
    "title": ("Intitulé (A → Z)", ["title"]),
    "-title": ("Intitulé (Z → A)", ["-title"]),
    "carrier": ("Porteur (A → Z)", ["carrier__name", "title"]),
    "-carrier": ("Porteur (Z → A)", ["-carrier__name", "title"]),
    "submitted": ("Dépôt (plus ancien d'abord)", ["submitted_at", "title"]),
    "-submitted": ("Dépôt (plus récent d'abord)", ["-submitted_at", "title"]),
    "status": ("État", ["status", "title"]),
    "requested": ("Montant demandé (croissant)", ["=requested", "title"]),
    "-requested": ("Montant demandé (décroissant)", ["-=requested", "title"]),
}
DEFAULT_ORDER = ["call__year", "call__title", "title"]


def _none(queryset, name, value):
    return queryset  # applied together in QueueFilter.filter_queryset()


class QueueFilter(django_filters.FilterSet):
    call = django_filters.ModelChoiceFilter(
        label="Appel à projets",
        queryset=CallForProjects.objects.none(),
        to_field_name="uuid",
        empty_label="Tous les appels",
        method=_none,
        widget=FastSelect,
    )
    status = django_filters.ChoiceFilter(
        label="État",
        choices=[(s.value, s.label) for s in ApplicationStatus if s not in NOT_SUBMITTED],
        empty_label="Tous les états",
        method=_none,
    )
    opinion = django_filters.ChoiceFilter(
        label="Avis", choices=OPINION_CHOICES, empty_label="Donné ou non", method=_none
    )
    pillar = django_filters.ModelChoiceFilter(
        label="Pilier", queryset=Pillar.objects.none(), empty_label="Tous les piliers", method=_none
    )
    theme = django_filters.ModelChoiceFilter(
        label="Thème",
        queryset=Theme.objects.none(),
        empty_label="Tous les thèmes",
        method=_none,
        widget=FastSelect,
    )
    qpv = django_filters.ModelChoiceFilter(
        label="QPV",
        queryset=Qpv.objects.none(),
        empty_label="Tous les QPV",
        method=_none,
        widget=FastSelect,
    )
    carrier = django_filters.ModelChoiceFilter(
        label="Porteur",
        queryset=Organisation.objects.none(),
        empty_label="Tous les porteurs",
        method=_none,
        widget=FastSelect,
    )
    q = django_filters.CharFilter(label="Recherche (intitulé, porteur)", method=_none)
    sort = django_filters.ChoiceFilter(
        label="Trier par",
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        empty_label="Appel puis intitulé",
        method=_none,
    )

    class Meta:
        model = FundingRequest  # unused: every filter has its own method
        fields = ["call", "status", "opinion", "pillar", "theme", "qpv", "carrier", "q", "sort"]
        form = BaseForm

    def __init__(
        self,
        data=None,
        *,
        queryset,
        applications,
        path="",
        opinion=APPLICATION,
        funders=None,
        calls=None,
        exclude=(),
    ):
        """`applications`: the dossiers this list may show (unfiltered), which bound the
        choices; `calls`: the calls to choose among (no call filter when None); `exclude`:
        filter names left out of the form."""
        super().__init__(data, queryset=queryset)
        self.path = path
        self.opinion_mode = opinion
        self.funders = funders
        contracts = applications.values("contract")
        if calls is None:
            exclude = {*exclude, "call"}
        else:
            self.filters["call"].queryset = calls.order_by("-year", "title")
        self.filters["pillar"].queryset = Pillar.objects.filter(contract__in=contracts)
        self.filters["theme"].queryset = Theme.objects.filter(
            pillar__contract__in=contracts
        ).order_by("name")
        self.filters["qpv"].queryset = Qpv.objects.filter(contract__in=contracts).order_by("name")
        self.filters["carrier"].queryset = (
            Organisation.objects.filter(pk__in=applications.values("carrier"))
            .only("name", "acronym")
            .order_by("name")
        )
        if opinion != REQUEST:
            sorts = [(k, label) for k, (label, _) in SORTS.items() if "requested" not in k]
            self.filters["sort"].extra["choices"] = sorts
        for name in exclude:
            self.filters.pop(name)

    def _field(self, name: str) -> str:
        return self.path + name

    def _opinion_q(self, value) -> Q:
        if self.opinion_mode == REQUEST:
            given = Q(opinion__isnull=False) & ~Q(opinion__opinion="")
        elif self.opinion_mode == COUNCIL:
            given = Q(**{self._field("council_opinion__isnull"): False})
        else:
            missing = FundingRequest.objects.filter(
                Q(opinion__isnull=True) | Q(opinion__opinion=""),
                application=OuterRef(self._field("pk")),
            )
            if self.funders is not None:
                missing = missing.filter(funder__in=self.funders)
            given = ~Exists(missing)
        return given if value == "given" else ~given

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        field = self._field
        lookups = {
            "call": "call",
            "status": "status",
            "pillar": "pillar",
            "theme": "theme",
            "qpv": "qpvs",
            "carrier": "carrier",
        }
        for name, lookup in lookups.items():
            if data.get(name):
                queryset = queryset.filter(**{field(lookup): data[name]})
        if data.get("qpv"):
            queryset = queryset.distinct()
        if data.get("opinion"):
            queryset = queryset.filter(self._opinion_q(data["opinion"]))
        text = (data.get("q") or "").strip()
        if text:
            queryset = queryset.filter(
                Q(**{field("title__icontains"): text})
                | Q(**{field("carrier__name__icontains"): text})
            )
        return queryset.order_by(*self.ordering())

    def ordering(self) -> list[str]:
        sort = self.form.cleaned_data.get("sort") if hasattr(self.form, "cleaned_data") else ""
        fields = SORTS[sort][1] if sort in SORTS else DEFAULT_ORDER
        if self.opinion_mode != REQUEST and sort in ("requested", "-requested"):
            fields = DEFAULT_ORDER
        ordered = []
        for name in fields:
            descending = name.startswith("-")
            name = name.lstrip("-")
            # "=name": a field of the queryset's own model; otherwise one of the application.
            name = name[1:] if name.startswith("=") else self._field(name)
            ordered.append(f"-{name}" if descending else name)
        return [*ordered, "pk"]
