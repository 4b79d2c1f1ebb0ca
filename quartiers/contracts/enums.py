from django.db import models


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
