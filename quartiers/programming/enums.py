from django.db import models


class CallStatus(models.TextChoices):
    DRAFT = "draft", "en préparation"
    OPEN = "open", "ouvert"
    CLOSED = "closed", "clos"


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "brouillon"
    SUBMITTED = "submitted", "déposé"
    COMPLEMENT_REQUESTED = "complement_requested", "complément demandé"
    UNDER_INSTRUCTION = "under_instruction", "en instruction"
    EXAMINED = "examined", "examiné en comité technique"
    DECIDED = "decided", "décidé en comité de pilotage"
    CONVENTION_SIGNED = "convention_signed", "convention signée"
    PAID = "paid", "en paiement"  # a dossier reads « acompte versé » or « soldé » (workflow)
    REPORT_RECEIVED = "report_received", "bilan reçu"
    CLOSED = "closed", "clos"
    WITHDRAWN = "withdrawn", "retiré"


# The DSFR badge variant of each application status ("" : the plain badge).
STATUS_VARIANTS = {
    ApplicationStatus.DRAFT: "",
    ApplicationStatus.WITHDRAWN: "warning",
    ApplicationStatus.COMPLEMENT_REQUESTED: "warning",
    ApplicationStatus.REPORT_RECEIVED: "success",
    ApplicationStatus.CLOSED: "success",
}


class EqualityMarker(models.TextChoices):
    """OECD gender-equality marker, as used by the politique de la ville."""

    G0 = "G0", "G0 — ne vise pas l'égalité femmes-hommes"
    G1 = "G1", "G1 — l'égalité est un objectif significatif"
    G2 = "G2", "G2 — l'égalité est l'objectif principal"


class BudgetSide(models.TextChoices):
    CHARGE = "charge", "charges"
    PRODUCT = "product", "produits"
    CONTRIBUTION_USE = "contribution_use", "emplois des contributions en nature (86)"
    CONTRIBUTION_SOURCE = "contribution_source", "contributions en nature (87)"


class Opinion(models.TextChoices):
    FAVOURABLE = "favourable", "favorable"
    RESERVED = "reserved", "réservé"
    UNFAVOURABLE = "unfavourable", "défavorable"


# The DSFR badge variant of each opinion and decision, read by every template (one colour each).
OPINION_VARIANTS = {
    Opinion.FAVOURABLE: "success",
    Opinion.RESERVED: "warning",
    Opinion.UNFAVOURABLE: "error",
}


class CommitteeKind(models.TextChoices):
    TECHNICAL = "technical", "comité technique"
    STEERING = "steering", "comité de pilotage"


class DecisionOutcome(models.TextChoices):
    GRANTED = "granted", "accordé"
    REFUSED = "refused", "refusé"
    ADJOURNED = "adjourned", "ajourné"


class PaymentKind(models.TextChoices):
    ADVANCE = "advance", "avance"
    BALANCE = "balance", "solde"
    SINGLE = "single", "versement unique"


OUTCOME_VARIANTS = {
    DecisionOutcome.GRANTED: "success",
    DecisionOutcome.ADJOURNED: "warning",
    DecisionOutcome.REFUSED: "error",
}


class ComplementSection(models.TextChoices):
    """The parts of a dossier a complement may reopen (the CERFA's sections)."""

    CONTACT = "contact", "personne chargée du dossier"
    ORGANISATION = "organisation", "relations avec l'administration et moyens humains"
    ACTION = "action", "description de l'action et mise en œuvre"
    PUBLIC = "public", "publics visés et quartiers"
    BUDGET = "budget", "budget"
    ATTACHMENTS = "attachments", "pièces jointes"
    ATTESTATION = "attestation", "attestation"
