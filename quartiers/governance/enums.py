from django.db import models


class BodyKind(models.TextChoices):
    STEERING = "steering", "comité de pilotage"
    TECHNICAL = "technical", "comité technique"
    THEMATIC_WORKSHOP = "thematic_workshop", "atelier thématique"
    CITIZEN_COUNCIL = "citizen_council", "conseil citoyen"
    FPH_COMMITTEE = "fph_committee", "comité du fonds de participation des habitants"
    OTHER = "other", "autre instance"


# The short code of a kind's decisions and meetings (« COPIL-2026-014 »); OTHER gets one
# from the body's name.
KIND_CODES = {
    BodyKind.STEERING: "COPIL",
    BodyKind.TECHNICAL: "COTECH",
    BodyKind.THEMATIC_WORKSHOP: "ATELIER",
    BodyKind.CITIZEN_COUNCIL: "CC",
    BodyKind.FPH_COMMITTEE: "FPH",
}


class MemberRole(models.TextChoices):
    CHAIR = "chair", "présidence"
    MEMBER = "member", "membre"
    GUEST = "guest", "invité·e"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "prévue"
    HELD = "held", "tenue"
    CANCELLED = "cancelled", "annulée"


class Presence(models.TextChoices):
    PRESENT = "present", "présent·e"
    EXCUSED = "excused", "excusé·e"
    ABSENT = "absent", "absent·e"
    REPRESENTED = "represented", "représenté·e"


class DecisionKind(models.TextChoices):
    FUNDING = "funding", "financement de la programmation"
    ENGAGEMENT = "engagement", "engagement du contrat"
    RESIDENTS_FUND = "residents_fund", "fonds de participation des habitants"
    FREE = "free", "autre décision"


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", "projet"
    APPROVED = "approved", "approuvé"
