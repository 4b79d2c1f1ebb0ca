from django.db import models


class PartnerKind(models.TextChoices):
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


class Role(models.TextChoices):
    LEAD = "lead", "chef de file"
    ASSOCIATE = "associate", "partenaire associé"
    UNSPECIFIED = "unspecified", "rôle non précisé"


class PriorityKind(models.TextChoices):
    THEMATIC = "thematic", "thématique"
    TRANSVERSAL = "transversal", "transversale"


class AmendmentKind(models.TextChoices):
    PROTOCOL = "protocol", "protocole d'engagements"
    AMENDMENT = "amendment", "avenant"


class Generation(models.TextChoices):
    CV_2015 = "2015", "contrats de ville 2015-2022"
    CV_2024 = "2024", "contrats de ville « Engagements Quartiers 2030 »"
