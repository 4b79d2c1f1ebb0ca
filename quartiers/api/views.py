"""Read-only REST API: contracts, their commitments matrix, organisations, and the funding
requests of an application.

Thin views: the QuerySet filters and predicates of `access.permissions` (and of
`programming.permissions` for the money of an application) decide who sees what.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import generics
from rest_framework.exceptions import NotAuthenticated, NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from quartiers.access.permissions import visible_contracts, visible_organisations
from quartiers.api.permissions import CanViewContract, CanViewOrganisation, SignedInReader
from quartiers.api.serializers import (
    ContractListItemSerializer,
    ContractSerializer,
    FundingRequestSerializer,
    MatrixSerializer,
    OrganisationSerializer,
)
from quartiers.contracts.enums import Role
from quartiers.contracts.filters import EngagementFilter
from quartiers.contracts.matrix import build_matrix
from quartiers.contracts.models import Contract, Partner, Pillar
from quartiers.programming import permissions as programming_permissions
from quartiers.programming.models import Application


class HideDenied:
    """An object the person may not read answers 404, as if absent: its existence stays private."""

    def check_object_permissions(self, request, obj):
        try:
            super().check_object_permissions(request, obj)
        except (NotAuthenticated, PermissionDenied) as exc:
            raise NotFound() from exc


class ContractList(generics.ListAPIView):
    """Contracts the person may read: published ones, those where they hold a role, all for
    administrators."""

    permission_classes = [CanViewContract]
    serializer_class = ContractListItemSerializer

    def get_queryset(self):
        contracts = (
            Contract.objects.select_related("epci")
            .with_end()
            .with_engagement_count()
            .order_by("name", "pk")
        )
        return visible_contracts(self.request.user, contracts)


class ContractDetail(HideDenied, generics.RetrieveAPIView):
    """A contract: identity, period, pillars and themes, priorities, partners."""

    permission_classes = [CanViewContract]
    serializer_class = ContractSerializer
    lookup_field = "slug"
    queryset = (
        Contract.objects.select_related("epci")
        .with_end()
        .prefetch_related(
            Prefetch("pillars", queryset=Pillar.objects.prefetch_related("themes")),
            "priorities",
            Prefetch("partners", queryset=Partner.objects.grid_first().select_related("parent")),
        )
    )


FILTERS = [
    OpenApiParameter("partner", str, description="Sigle d'un partenaire (ou de son service)."),
    OpenApiParameter("role", str, enum=Role.values, description="Rôle tenu par ce partenaire."),
    OpenApiParameter("pillar", int, description="Identifiant d'un pilier du contrat."),
    OpenApiParameter("theme", int, description="Identifiant d'un thème du contrat."),
    OpenApiParameter("q", str, description="Texte contenu dans l'engagement."),
]


class ContractEngagements(HideDenied, generics.GenericAPIView):
    """The commitments matrix of a contract, filtered like the page."""

    permission_classes = [CanViewContract]
    serializer_class = MatrixSerializer
    queryset = Contract.objects.all()
    lookup_field = "slug"

    @extend_schema(parameters=FILTERS, responses=MatrixSerializer)
    def get(self, request, slug):
        contract = self.get_object()
        filterset = EngagementFilter(request.query_params or None, contract=contract)
        if filterset.is_bound and not filterset.is_valid():
            raise ValidationError(filterset.errors)
        matrix = build_matrix(
            partners=contract.partners.all(), engagements=filterset.qs.with_grid()
        )
        return Response(self.get_serializer(matrix).data)


class OrganisationList(generics.ListAPIView):
    """Organisations the person may read: their own; all of them for steering roles."""

    permission_classes = [CanViewOrganisation]
    serializer_class = OrganisationSerializer

    def get_queryset(self):
        return visible_organisations(self.request.user).order_by("name", "pk")


class OrganisationDetail(HideDenied, generics.RetrieveAPIView):
    """An organisation, if the person may read it (404 otherwise)."""

    permission_classes = [CanViewOrganisation]
    serializer_class = OrganisationSerializer

    def get_queryset(self):
        return visible_organisations(self.request.user).order_by("name", "pk")


class ApplicationFundingRequests(generics.ListAPIView):
    """The money of one application, per funder: the page « suivi financier » as data.

    Same rules as the page: 404 to whoever may not see the application, 403 to readers of the
    application who may not read its money; the amount proposed only for steering roles and
    the instructors of its funders.
    """

    permission_classes = [SignedInReader]
    serializer_class = FundingRequestSerializer
    pagination_class = None

    def application(self) -> Application:
        if not hasattr(self, "_application"):
            application = (
                Application.objects.select_related("contract", "call", "carrier")
                .filter(uuid=self.kwargs["uuid"])
                .first()
            )
            user = self.request.user
            if application is None or not programming_permissions.can_view_application(
                user, application
            ):
                raise NotFound()
            if not programming_permissions.can_view_ledger(user, application):
                raise PermissionDenied()
            self._application = application
        return self._application

    def get_queryset(self):
        return (
            self.application()
            .funding_requests.select_related("funder")
            .order_by("funder__name", "pk")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return context
        context["show_proposed"] = programming_permissions.can_see_proposed_amounts(
            self.request.user, self.application()
        )
        return context


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI with its assets served from our static files and no inline code (CSP)."""

    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
