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
