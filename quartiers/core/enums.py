from django.db import models


class OrganisationKind(models.TextChoices):
    STATE = "state", "État"
    STATE_SERVICE = "state_service", "service de l'État"
    COMMUNE = "commune", "commune"
    EPCI = "epci", "intercommunalité (EPCI)"
    CAF = "caf", "caisse d'allocations familiales"
    DEPARTMENT = "department", "département"
    REGION = "region", "région"
    SOCIAL_LANDLORD = "social_landlord", "bailleur social"
    EMPLOYMENT = "employment", "service public de l'emploi"
    CITIZEN_COUNCIL = "citizen_council", "conseil citoyen"
    ASSOCIATION = "association", "association"
    OTHER = "other", "autre"


# Public institutions: only a platform admin gives an organisation one of these natures (a
# carrier calling itself « État » or « CAF » would pass for the funder).
PUBLIC_INSTITUTION_KINDS = frozenset(
    {
        OrganisationKind.STATE,
        OrganisationKind.STATE_SERVICE,
        OrganisationKind.COMMUNE,
        OrganisationKind.EPCI,
        OrganisationKind.CAF,
        OrganisationKind.DEPARTMENT,
        OrganisationKind.REGION,
        OrganisationKind.EMPLOYMENT,
    }
)
