"""Factories of the contract models. Situations are traits, not subclasses."""

import datetime

import factory
from factory.django import DjangoModelFactory

from quartiers.contracts.content import (
    AmendmentData,
    ContractData,
    ContributionData,
    EngagementData,
    GlossaryData,
    ImportedContent,
    PartnerData,
    PriorityData,
    RoleData,
    SourceInfo,
    WarningData,
)
from quartiers.contracts.enums import Generation, Role
from quartiers.contracts.models import (
    Amendment,
    Contract,
    Engagement,
    EngagementRole,
    Epci,
    Partner,
    Pillar,
    Theme,
)
from quartiers.core.enums import OrganisationKind


class EpciFactory(DjangoModelFactory):
    class Meta:
        model = Epci
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Communauté d'agglomération n° {n}")


class ContractFactory(DjangoModelFactory):
    class Meta:
        model = Contract
        skip_postgeneration_save = True

    territory = factory.Sequence(lambda n: f"Quartier des Tilleuls {n}")
    slug = factory.Sequence(lambda n: f"tilleuls-{n}")
    name = factory.LazyAttribute(lambda o: f"Contrat de ville « {o.territory} »")
    epci = factory.SubFactory(EpciFactory)
    generation = Generation.CV_2024
    signed_on = datetime.date(2024, 6, 1)
    starts_on = datetime.date(2024, 1, 1)
    ends_on = datetime.date(2030, 12, 31)
    is_published = True

    class Params:
        private = factory.Trait(is_published=False)
        prolonged = factory.Trait(
            prolongation=factory.RelatedFactory(
                "tests.contracts.factories.AmendmentFactory", factory_related_name="contract"
            )
        )


class AmendmentFactory(DjangoModelFactory):
    class Meta:
        model = Amendment

    contract = factory.SubFactory(ContractFactory)
    kind = "amendment"
    title = "Avenant de prolongation"
    signed_on = datetime.date(2029, 12, 1)
    ends_on = datetime.date(2032, 12, 31)


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    contract = factory.SubFactory(ContractFactory)
    code = factory.Sequence(lambda n: f"P{n}")
    name = factory.LazyAttribute(lambda o: f"Partenaire {o.code}")
    kind = OrganisationKind.OTHER
    position = factory.Sequence(int)

    class Params:
        column = factory.Trait(is_grid_column=True)
        state = factory.Trait(
            code="ETAT", name="État", kind=OrganisationKind.STATE, is_grid_column=True
        )
        state_service = factory.Trait(kind=OrganisationKind.STATE_SERVICE)


class PillarFactory(DjangoModelFactory):
    class Meta:
        model = Pillar

    contract = factory.SubFactory(ContractFactory)
    name = factory.Sequence(lambda n: f"Pilier {n}")
    position = factory.Sequence(int)


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme

    pillar = factory.SubFactory(PillarFactory)
    name = factory.Sequence(lambda n: f"Thème {n}")
    position = factory.Sequence(int)


class EngagementFactory(DjangoModelFactory):
    class Meta:
        model = Engagement

    contract = factory.SubFactory(ContractFactory)
    pillar = factory.SubFactory(PillarFactory, contract=factory.SelfAttribute("..contract"))
    theme = None
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Engagement numéro {n + 1} : agir pour le quartier")
    source_line = None

    class Params:
        themed = factory.Trait(
            theme=factory.SubFactory(ThemeFactory, pillar=factory.SelfAttribute("..pillar"))
        )


class EngagementRoleFactory(DjangoModelFactory):
    class Meta:
        model = EngagementRole

    engagement = factory.SubFactory(EngagementFactory)
    partner = factory.SubFactory(
        PartnerFactory, contract=factory.SelfAttribute("..engagement.contract"), column=True
    )
    service = None
    role = Role.LEAD

    class Params:
        associate = factory.Trait(role=Role.ASSOCIATE)
        unspecified = factory.Trait(role=Role.UNSPECIFIED)


def imported_content(
    *, sha="a" * 64, line=4, role="lead", ends_on=datetime.date(2026, 12, 31)
) -> ImportedContent:
    """A small imported content (one pillar, one engagement), as an import would give."""
    return ImportedContent(
        source=SourceInfo("avenant.txt", sha, "Avenant « Les Tilleuls »", "txt"),
        contract=ContractData(
            name="Contrat de ville « Les Tilleuls »",
            territory="Les Tilleuls",
            epci="Communauté d'agglomération Rives du Lac",
            signed_on=datetime.date(2015, 3, 12),
            starts_on=datetime.date(2015, 3, 12),
            ends_on=datetime.date(2020, 12, 31),
            generation="2015",
        ),
        amendments=(AmendmentData("amendment", "Avenant", datetime.date(2024, 1, 1), ends_on, 1),),
        pillars=("Habitat",),
        priorities=(PriorityData("thematic", "Santé", "", line),),
        governance_bodies=("Comité de pilotage",),
        partners=(
            PartnerData("ETAT", "État", "state", None, True, line),
            PartnerData(
                "DDT",
                "Direction départementale des territoires",
                "state_service",
                "ETAT",
                False,
                line,
            ),
            PartnerData("VILLE", "Ville", "commune", None, True, line),
        ),
        glossary=(GlossaryData("DDT", "Direction départementale des territoires"),),
        contributions=(ContributionData("VILLE", "Ville", "La ville s'engage.", line),),
        engagements=(
            EngagementData(
                "Habitat",
                None,
                "Rénover l'éclairage des cheminements piétons",
                (RoleData("ETAT", "DDT", role), RoleData("VILLE", None, "associate")),
                line,
                ("Rénover…", "X DDT", "x"),
            ),
        ),
        warnings=(WarningData("role_inferred", "X est lu comme chef de file.", line),),
    )
