"""Read-only representations of contracts, their commitments matrix, organisations and the
funding requests of an application."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quartiers.accounts.models import Organisation
from quartiers.contracts.enums import Role
from quartiers.contracts.models import Contract, Partner, Pillar, Priority, Theme
from quartiers.programming.models import FundingRequest


@extend_schema_field(OpenApiTypes.URI)
class AbsoluteUrlField(serializers.ReadOnlyField):
    """A path of the site (`get_absolute_url`) made absolute with the request's host."""

    def to_representation(self, value):
        request = self.context.get("request")
        return request.build_absolute_uri(value) if request is not None else value


class PeriodSerializer(serializers.ModelSerializer):
    ends_on_effective = serializers.DateField(
        source="effective_ends_on",
        allow_null=True,
        read_only=True,
        help_text="Fin une fois les avenants et protocoles appliqués.",
    )

    class Meta:
        model = Contract
        fields = ["signed_on", "starts_on", "ends_on", "ends_on_effective"]


class ContractSummarySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:contract-detail", lookup_field="slug")
    html_url = AbsoluteUrlField(source="get_absolute_url")
    engagements_url = serializers.HyperlinkedIdentityField(
        view_name="api:contract-engagements", lookup_field="slug"
    )
    epci = serializers.CharField(source="epci.name", allow_null=True, read_only=True)
    period = PeriodSerializer(source="*", read_only=True)

    class Meta:
        model = Contract
        fields = [
            "slug",
            "name",
            "territory",
            "epci",
            "generation",
            "is_published",
            "period",
            "url",
            "html_url",
            "engagements_url",
        ]


class ContractListItemSerializer(ContractSummarySerializer):
    engagement_count = serializers.IntegerField(read_only=True)

    class Meta(ContractSummarySerializer.Meta):
        fields = [*ContractSummarySerializer.Meta.fields, "engagement_count"]


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["name", "position"]


class PillarSerializer(serializers.ModelSerializer):
    themes = ThemeSerializer(many=True, read_only=True)

    class Meta:
        model = Pillar
        fields = ["name", "position", "themes"]


class PrioritySerializer(serializers.ModelSerializer):
    class Meta:
        model = Priority
        fields = ["kind", "label", "details", "position"]


class PartnerSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(
        source="parent.code",
        allow_null=True,
        read_only=True,
        help_text="Sigle du partenaire dont c'est un service (services de l'État).",
    )

    class Meta:
        model = Partner
        fields = ["code", "name", "kind", "parent", "is_grid_column"]


class ContractSerializer(ContractSummarySerializer):
    pillars = PillarSerializer(many=True, read_only=True)
    priorities = PrioritySerializer(many=True, read_only=True)
    partners = PartnerSerializer(many=True, read_only=True)

    class Meta(ContractSummarySerializer.Meta):
        fields = [*ContractSummarySerializer.Meta.fields, "pillars", "priorities", "partners"]


class ColumnSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["code", "name"]


class MarkSerializer(serializers.Serializer):
    """One role in a cell of the matrix (`contracts.matrix.Mark`)."""

    partner = serializers.CharField(help_text="Sigle du partenaire.")
    role = serializers.ChoiceField(choices=Role.choices)
    role_label = serializers.CharField(source="label")
    service = serializers.CharField(
        allow_blank=True, help_text="Service de l'État nommé, sinon vide."
    )


class MatrixRowSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="engagement.number")
    text = serializers.CharField(source="engagement.text")
    pillar = serializers.CharField(source="engagement.pillar.name")
    theme = serializers.CharField(source="engagement.theme.name", allow_null=True)
    source_line = serializers.IntegerField(source="engagement.source_line", allow_null=True)
    cells = serializers.ListField(
        child=MarkSerializer(many=True),
        help_text="Une cellule par colonne (`columns`), dans le même ordre.",
    )
    others = MarkSerializer(many=True, help_text="Rôles des partenaires hors grille.")


class MatrixSerializer(serializers.Serializer):
    """The commitments matrix, shaped like the page: grid columns, then one row per engagement."""

    count = serializers.SerializerMethodField()
    columns = ColumnSerializer(many=True)
    rows = MatrixRowSerializer(many=True)

    def get_count(self, matrix) -> int:
        return len(matrix.rows)


class OrganisationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:organisation-detail")

    class Meta:
        model = Organisation
        fields = ["id", "url", "name", "acronym", "kind", "siret", "rna", "parent"]


class FundingRequestSerializer(serializers.ModelSerializer):
    """One funder of an application: demandé, proposé, accordé, engagé, versé (the ledger's
    five amounts, from the same row)."""

    funder = serializers.CharField(source="funder.name", read_only=True)
    funder_id = serializers.IntegerField(read_only=True)
    proposed = serializers.SerializerMethodField(
        help_text="Proposé à l'instruction ; null pour qui ne lit pas l'instruction (porteur)."
    )

    class Meta:
        model = FundingRequest
        fields = ["funder_id", "funder", "requested", "proposed", "granted", "committed", "paid"]

    @extend_schema_field(OpenApiTypes.DECIMAL)
    def get_proposed(self, request):
        if not self.context.get("show_proposed") or request.proposed is None:
            return None
        return serializers.DecimalField(max_digits=12, decimal_places=2).to_representation(
            request.proposed
        )
