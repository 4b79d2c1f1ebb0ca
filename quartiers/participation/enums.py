from django.db import models


class College(models.TextChoices):
    """The two colleges of a conseil citoyen (loi n° 2014-173, article 7)."""

    RESIDENT = "resident", "collège des habitants"
    LOCAL_ACTOR = "local_actor", "collège des associations et acteurs locaux"


class Gender(models.TextChoices):
    """The gender a person declares, read only for the parity the law asks of the residents
    drawn by lot (« dans le respect de la parité entre les femmes et les hommes »)."""

    WOMAN = "femme", "femme"
    MAN = "homme", "homme"


class MicroProjectStatus(models.TextChoices):
    """Where a residents' micro-project of the FPH stands; the transitions live in
    `participation.fund` (`TRANSITIONS`)."""

    UNCONFIRMED = "unconfirmed", "en attente de confirmation par courriel"
    SUBMITTED = "submitted", "en attente du comité"
    ACCEPTED = "accepted", "accepté"
    REFUSED = "refused", "refusé"
    PAID = "paid", "versé"
    REPORTED = "reported", "bilan déposé"


class MicroProjectFileKind(models.TextChoices):
    PHOTO = "photo", "photo"
    RECEIPT = "receipt", "justificatif de dépense"
