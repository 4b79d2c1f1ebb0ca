"""The annual programming: calls for projects, applications (CERFA 12156), instruction,
committees, decisions, conventions, payments and bilans (CERFA 15059)."""

import hashlib
import json
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.urls import reverse
from simple_history.models import HistoricalRecords

from quartiers.access.enums import ContractRole
from quartiers.access.models import RoleAssignment
from quartiers.programming.enums import (
    ApplicationStatus,
    BudgetSide,
    CallStatus,
    CommitteeKind,
    ComplementSection,
    DecisionOutcome,
    EqualityMarker,
    Opinion,
    PaymentKind,
)
from quartiers.programming.workflow import COUNCIL_OPINION_STATUSES, NOT_SUBMITTED, status_label

MONEY = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal("0")

# Associative chart of accounts (plan comptable associatif) used by the CERFA budget.
ACCOUNTS = {
    BudgetSide.CHARGE: {
        "60": "achats",
        "61": "services extérieurs",
        "62": "autres services extérieurs",
        "63": "impôts et taxes",
        "64": "charges de personnel",
        "65": "autres charges de gestion courante",
        "66": "charges financières",
        "67": "charges exceptionnelles",
        "68": "dotations aux amortissements",
    },
    BudgetSide.PRODUCT: {
        "70": "ventes de produits finis, prestations de services",
        "73": "dotations et produits de tarification",
        "74": "subventions d'exploitation",
        "75": "autres produits de gestion courante",
        "76": "produits financiers",
        "77": "produits exceptionnels",
        "78": "reprises sur amortissements et provisions",
    },
    BudgetSide.CONTRIBUTION_USE: {
        "860": "secours en nature",
        "861": "mise à disposition gratuite de biens et services",
        "862": "prestations",
        "864": "personnel bénévole",
    },
    BudgetSide.CONTRIBUTION_SOURCE: {
        "870": "bénévolat",
        "871": "prestations en nature",
        "875": "dons en nature",
    },
}
SUBSIDY_ACCOUNT = "74"
AGE_BANDS = ["0-5", "6-11", "12-17", "18-25", "26-64", "65+"]  # of the public, in the CERFA


class CallForProjects(models.Model):
    """The yearly call of a contract's partners."""

    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name="contrat",
        on_delete=models.CASCADE,
        related_name="calls",
    )
    uuid = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    year = models.PositiveIntegerField("année")
    title = models.CharField("intitulé", max_length=300)
    description = models.TextField("présentation", blank=True)
    status = models.CharField("état", max_length=20, choices=CallStatus, default=CallStatus.DRAFT)
    opens_on = models.DateField("ouverture")
    deadline = models.DateTimeField("date limite de dépôt")
    technical_committee_on = models.DateField("comité technique", null=True, blank=True)
    steering_committee_on = models.DateField("comité de pilotage", null=True, blank=True)
    min_qpv_share = models.DecimalField(
        "part minimale d'habitants des QPV (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("60"),
    )
    priorities = models.ManyToManyField(
        "contracts.Priority", verbose_name="priorités de l'année", blank=True
    )
    engagements = models.ManyToManyField(
        "contracts.Engagement", verbose_name="engagements visés", blank=True
    )
    previous = models.ForeignKey(
        "self",
        verbose_name="appel de l'année précédente",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "appel à projets"
        verbose_name_plural = "appels à projets"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "year"], name="one_call_per_year")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programming:call-detail", kwargs={"uuid": self.uuid})


class CallFunder(models.Model):
    """A funder taking part in a call, with its envelope."""

    call = models.ForeignKey(
        CallForProjects, verbose_name="appel", on_delete=models.CASCADE, related_name="funders"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="financeur", on_delete=models.PROTECT
    )
    envelope = models.DecimalField("enveloppe", **MONEY, default=Decimal("0"))

    class Meta:
        verbose_name = "financeur de l'appel"
        verbose_name_plural = "financeurs de l'appel"
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["call", "organisation"], name="unique_call_funder")
        ]

    def __str__(self):
        return str(self.organisation)


class RequiredAttachment(models.Model):
    call = models.ForeignKey(
        CallForProjects,
        verbose_name="appel",
        on_delete=models.CASCADE,
        related_name="required_attachments",
    )
    label = models.CharField("pièce", max_length=200)
    mandatory = models.BooleanField("obligatoire", default=True)

    class Meta:
        verbose_name = "pièce demandée"
        verbose_name_plural = "pièces demandées"
        ordering = ["pk"]

    def __str__(self):
        return self.label


class GridCriterion(models.Model):
    """A criterion of the call's analysis grid (scored 0..max_score, weighted)."""

    call = models.ForeignKey(
        CallForProjects, verbose_name="appel", on_delete=models.CASCADE, related_name="criteria"
    )
    label = models.CharField("critère", max_length=200)
    weight = models.DecimalField("pondération", max_digits=5, decimal_places=2, default=1)
    max_score = models.PositiveSmallIntegerField("note maximale", default=4)
    position = models.PositiveIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "critère d'analyse"
        verbose_name_plural = "grille d'analyse"
        ordering = ["position", "pk"]

    def __str__(self):
        return self.label


class Action(models.Model):
    """The stable identity of an action across years (renewals)."""

    contract = models.ForeignKey(
        "contracts.Contract", verbose_name="contrat", on_delete=models.CASCADE
    )
    carrier = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="porteur",
        on_delete=models.PROTECT,
        related_name="actions",
    )
    uuid = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField("intitulé", max_length=300)

    class Meta:
        verbose_name = "action"
        verbose_name_plural = "actions"
        ordering = ["title"]

    def __str__(self):
        return self.title


class ApplicationQuerySet(models.QuerySet):
    def for_call(self, call):
        return self.filter(call=call)

    def for_carrier(self, organisations):
        return self.filter(carrier__in=organisations)

    def asking(self, organisation):
        """Applications that ask `organisation` for money (a funding request names it)."""
        return self.filter(funding_requests__funder=organisation).distinct()

    def submitted(self):
        return self.exclude(status__in=NOT_SUBMITTED)

    def open_to_council(self, user):
        """Dossiers on which `user`, a member of the conseil citoyen of their contract, may
        give its opinion (the conseil citoyen's list)."""
        member = RoleAssignment.objects.filter(
            user=user, role=ContractRole.CITIZEN_COUNCIL, contract=OuterRef("contract")
        )
        return self.filter(Exists(member), status__in=COUNCIL_OPINION_STATUSES)


class Application(models.Model):
    """A subsidy application, shaped like CERFA 12156*06."""

    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name="contrat",
        on_delete=models.CASCADE,
        related_name="applications",
    )
    call = models.ForeignKey(
        CallForProjects,
        verbose_name="appel",
        on_delete=models.PROTECT,
        related_name="applications",
    )
    action = models.ForeignKey(
        Action, verbose_name="action", on_delete=models.PROTECT, related_name="applications"
    )
    carrier = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="porteur",
        on_delete=models.PROTECT,
        related_name="applications",
    )
    uuid = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        "état", max_length=30, choices=ApplicationStatus, default=ApplicationStatus.DRAFT
    )
    renewal_of = models.ForeignKey(
        "self",
        verbose_name="renouvellement de",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewals",
    )
    # 1. Carrier (identity comes from its organisation: SIRET, RNA, address)
    contact_name = models.CharField("personne chargée du dossier", max_length=200, blank=True)
    contact_email = models.EmailField("courriel de contact", blank=True)
    contact_phone = models.CharField("téléphone", max_length=30, blank=True)
    # 2. Relations with the administration
    approvals = models.TextField("agréments administratifs", blank=True)
    public_utility = models.BooleanField("reconnue d'utilité publique", default=False)
    # 3. Human resources
    volunteers = models.PositiveIntegerField("bénévoles", default=0)
    employees = models.PositiveIntegerField("salariés", default=0)
    full_time_equivalents = models.DecimalField(
        "équivalents temps plein", max_digits=6, decimal_places=2, default=0
    )
    # 4. The action
    title = models.CharField("intitulé de l'action", max_length=300)
    objectives = models.TextField("objectifs", blank=True)
    description = models.TextField("description", blank=True)
    public_total = models.PositiveIntegerField("nombre de bénéficiaires prévus", default=0)
    public_women = models.PositiveIntegerField("dont femmes", default=0)
    public_men = models.PositiveIntegerField("dont hommes", default=0)
    public_age_bands = models.JSONField("tranches d'âge", default=dict, blank=True)
    public_qpv_residents = models.PositiveIntegerField("dont habitants des QPV", default=0)
    qpvs = models.ManyToManyField("contracts.Qpv", verbose_name="QPV visés", blank=True)
    places = models.TextField("lieux de réalisation", blank=True)
    starts_on = models.DateField("début de l'action", null=True, blank=True)
    ends_on = models.DateField("fin de l'action", null=True, blank=True)
    means = models.TextField("moyens mis en œuvre", blank=True)
    partners_text = models.TextField("partenaires de l'action", blank=True)
    indicators = models.TextField("indicateurs d'évaluation", blank=True)
    engagements = models.ManyToManyField(
        "contracts.Engagement", verbose_name="engagements du contrat", blank=True
    )
    pillar = models.ForeignKey(
        "contracts.Pillar", verbose_name="pilier", on_delete=models.SET_NULL, null=True, blank=True
    )
    theme = models.ForeignKey(
        "contracts.Theme", verbose_name="thème", on_delete=models.SET_NULL, null=True, blank=True
    )
    equality_marker = models.CharField(
        "marqueur égalité femmes-hommes",
        max_length=2,
        choices=EqualityMarker,
        default=EqualityMarker.G0,
    )
    targets_youth = models.BooleanField("jeunesse", default=False)
    fights_discrimination = models.BooleanField("lutte contre les discriminations", default=False)
    # 7. Attestation
    signatory_name = models.CharField("signataire", max_length=200, blank=True)
    signatory_quality = models.CharField("qualité du signataire", max_length=200, blank=True)
    attested = models.BooleanField("attestation sur l'honneur", default=False)
    submitted_at = models.DateTimeField("déposé le", null=True, blank=True)
    report_override = models.TextField(
        "dérogation au bilan manquant",
        blank=True,
        help_text="Motif pour lequel la ou le chef·fe de projet a levé le blocage.",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "dossier de demande"
        verbose_name_plural = "dossiers de demande"
        ordering = ["call", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "renewal_of"],
                condition=Q(renewal_of__isnull=False),
                name="one_renewal_per_call",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programming:application-detail", kwargs={"uuid": self.uuid})

    @property
    def reference(self) -> str:
        """The dossier's reference, printed on its receipts: the call's year and the start of
        its public identifier (stable, not a sequence), e.g. « DOS-2026-3F2A9B1C »."""
        return f"DOS-{self.call.year}-{self.uuid.hex[:8].upper()}"

    def get_status_display(self) -> str:
        """The status in words (`workflow.status_label`): « acompte versé » or « soldé » for a
        dossier in payment, which reads its funding requests (prefetch them in lists)."""
        if self.status != ApplicationStatus.PAID:
            return status_label(self.status)
        return status_label(self.status, funding_requests=self.funding_requests.all())

    def budget_totals(self) -> dict[str, Decimal]:
        totals = dict.fromkeys(BudgetSide.values, Decimal("0"))
        for row in self.budget_lines.values("side").annotate(total=Sum("amount")):
            totals[row["side"]] = row["total"] or Decimal("0")
        return totals


class ApplicationVersion(models.Model):
    """What was submitted, frozen."""

    application = models.ForeignKey(
        Application, verbose_name="dossier", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField("numéro")
    data = models.JSONField("contenu déposé")
    submitted_at = models.DateTimeField("déposé le", auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="déposé par",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "version déposée"
        verbose_name_plural = "versions déposées"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="unique_version")
        ]

    def __str__(self):
        return f"{self.application} v{self.number}"

    @property
    def fingerprint(self) -> str:
        """The SHA-256 of the frozen content (`canonical_json` of `data`), in hexadecimal:
        printed on the accusé de réception and on the dossier's list of versions, so that a
        version shown later can be checked against the receipt."""
        return hashlib.sha256(canonical_json(self.data).encode("utf-8")).hexdigest()


def canonical_json(data) -> str:
    """One spelling of a JSON value: keys sorted, no spaces, UTF-8 characters kept (the same
    bytes on SQLite and PostgreSQL, whatever order `jsonb` keeps the keys in)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class ComplementRequest(models.Model):
    """An instructor or the chef de projet asks the carrier to correct named sections of a
    filed dossier; the carrier's resubmission answers it (a new `ApplicationVersion`). The
    requests and their answers are the dossier's thread. At most one is open at a time."""

    application = models.ForeignKey(
        Application,
        verbose_name="dossier",
        on_delete=models.CASCADE,
        related_name="complement_requests",
    )
    sections = models.JSONField("points à corriger", default=list)
    message = models.TextField("message")
    from_status = models.CharField(
        "état avant la demande", max_length=30, choices=ApplicationStatus
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandé par",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    asked_at = models.DateTimeField("demandé le", auto_now_add=True)
    answer = models.TextField("réponse du porteur", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="complété par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField("complété le", null=True, blank=True)
    version = models.ForeignKey(
        ApplicationVersion,
        verbose_name="version déposée en réponse",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "demande de complément"
        verbose_name_plural = "demandes de complément"
        ordering = ["asked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(answered_at__isnull=True),
                name="one_open_complement_request",
            )
        ]

    def __str__(self):
        return f"Complément demandé pour {self.application}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None

    def section_labels(self) -> list[str]:
        return [ComplementSection(section).label for section in self.sections]


class BudgetLine(models.Model):
    application = models.ForeignKey(
        Application, verbose_name="dossier", on_delete=models.CASCADE, related_name="budget_lines"
    )
    side = models.CharField("nature", max_length=20, choices=BudgetSide)
    account = models.CharField("compte", max_length=4)
    label = models.CharField("libellé", max_length=200, blank=True)
    amount = models.DecimalField("montant", **MONEY)
    funder = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="financeur sollicité",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "ligne de budget"
        verbose_name_plural = "lignes de budget"
        ordering = ["side", "account", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_positive"),
            models.CheckConstraint(
                condition=Q(funder__isnull=True) | Q(account=SUBSIDY_ACCOUNT),
                name="funder_only_on_subsidies",
            ),
            models.CheckConstraint(
                condition=Q(funder__isnull=True) | Q(amount__gt=0),
                name="asked_subsidy_positive",
            ),
        ]

    def __str__(self):
        return f"{self.account} {self.label} : {self.amount} €"


class Attachment(models.Model):
    application = models.ForeignKey(
        Application, verbose_name="dossier", on_delete=models.CASCADE, related_name="attachments"
    )
    required = models.ForeignKey(
        RequiredAttachment,
        verbose_name="pièce demandée",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    file = models.FileField("fichier", upload_to="attachments/%Y/")
    name = models.CharField("nom", max_length=255)
    content_type = models.CharField("type", max_length=100)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["pk"]

    def __str__(self):
        return self.name


class StatusChange(models.Model):
    """Every change of an application's status, with who and when."""

    application = models.ForeignKey(
        Application,
        verbose_name="dossier",
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField("ancien état", max_length=30, choices=ApplicationStatus)
    to_status = models.CharField("nouvel état", max_length=30, choices=ApplicationStatus)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="par",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField("le", auto_now_add=True)
    comment = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "changement d'état"
        verbose_name_plural = "changements d'état"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


AMOUNTS = ("requested", "proposed", "granted", "committed", "paid")


class FundingRequestQuerySet(models.QuerySet):
    def for_call(self, call):
        return self.filter(application__call=call)

    def for_funders(self, organisations):
        return self.filter(funder__in=organisations)

    def submitted(self):
        return self.exclude(application__status__in=NOT_SUBMITTED)

    def instructed_by(self, user):
        """Requests to a funder for which `user` instructs on the application's contract (the
        instruction inbox), filed dossiers only."""
        instructs = RoleAssignment.objects.filter(
            user=user,
            role=ContractRole.FUNDER_INSTRUCTOR,
            organisation=OuterRef("funder"),
            contract=OuterRef("application__contract"),
        )
        return self.filter(Exists(instructs)).submitted()

    def totals(self) -> dict[str, Decimal]:
        """The five amounts summed over the requests (zero when there are none)."""
        sums = self.order_by().aggregate(**{key: Sum(key) for key in AMOUNTS})
        return {key: sums[key] or ZERO for key in AMOUNTS}

    def totals_by_funder(self) -> dict[int, dict]:
        """{funder pk: the five sums and `applications`, the number of applications}."""
        rows = (
            self.order_by()
            .values("funder")
            .annotate(applications=Count("application", distinct=True))
            .annotate(**{key: Sum(key) for key in AMOUNTS})
        )
        return {
            row["funder"]: {
                "applications": row["applications"],
                **{key: row[key] or ZERO for key in AMOUNTS},
            }
            for row in rows
        }


class FundingRequest(models.Model):
    """One application asking one funder: requested → proposed → granted → committed → paid.

    Each amount is written by one service: the budget (while the application is a draft), the
    funder's opinion, the comité de pilotage's decision, the convention, the payments.
    """

    application = models.ForeignKey(
        Application,
        verbose_name="dossier",
        on_delete=models.CASCADE,
        related_name="funding_requests",
    )
    funder = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="financeur",
        on_delete=models.PROTECT,
        related_name="funding_requests",
    )
    requested = models.DecimalField("demandé", **MONEY)
    proposed = models.DecimalField("proposé", **MONEY, null=True, blank=True)
    granted = models.DecimalField("accordé", **MONEY, default=ZERO)
    committed = models.DecimalField("engagé", **MONEY, default=ZERO)
    paid = models.DecimalField("versé", **MONEY, default=ZERO)
    convention = models.ForeignKey(
        "Convention",
        verbose_name="convention",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="requests",
        help_text="La convention qui engage ce financement (une seule par demande).",
    )
    history = HistoricalRecords()

    objects = FundingRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande de financement"
        verbose_name_plural = "demandes de financement"
        ordering = ["application", "funder__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "funder"], name="one_request_per_funder"
            ),
            models.CheckConstraint(condition=Q(requested__gt=0), name="requested_positive"),
            models.CheckConstraint(
                condition=Q(committed__lte=F("granted")), name="committed_within_granted"
            ),
            models.CheckConstraint(
                condition=Q(paid__lte=F("committed")), name="paid_within_committed"
            ),
            models.CheckConstraint(
                condition=Q(committed=0) | Q(convention__isnull=False),
                name="committed_by_a_convention",
            ),
        ]

    def __str__(self):
        return f"{self.application} — {self.funder}"

    @property
    def remaining(self) -> Decimal:
        """Committed by a convention and not paid yet."""
        return self.committed - self.paid


class FunderOpinion(models.Model):
    """One funder's instruction of one application (optimistic locking on `version`); the
    amount it proposes is its request's `proposed`."""

    request = models.OneToOneField(
        FundingRequest,
        verbose_name="demande de financement",
        on_delete=models.CASCADE,
        related_name="opinion",
    )
    opinion = models.CharField("avis", max_length=20, choices=Opinion, blank=True)
    shared_comment = models.TextField("commentaire partagé", blank=True)
    private_note = models.TextField("note interne au financeur", blank=True)
    scores = models.JSONField("notes de la grille", default=dict, blank=True)
    version = models.PositiveIntegerField("version", default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="modifié par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "avis d'un financeur"
        verbose_name_plural = "avis des financeurs"

    def __str__(self):
        return f"{self.funder} : {self.get_opinion_display() or 'à instruire'}"

    @property
    def application(self):
        return self.request.application

    @property
    def funder(self):
        return self.request.funder


class CouncilOpinion(models.Model):
    """The conseil citoyen's optional opinion on an application."""

    application = models.OneToOneField(
        Application,
        verbose_name="dossier",
        on_delete=models.CASCADE,
        related_name="council_opinion",
    )
    opinion = models.CharField("avis", max_length=20, choices=Opinion)
    comment = models.TextField("commentaire", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", on_delete=models.SET_NULL, null=True
    )

    class Meta:
        verbose_name = "avis du conseil citoyen"
        verbose_name_plural = "avis du conseil citoyen"

    def __str__(self):
        return self.get_opinion_display()


class CommitteeSessionManager(models.Manager):
    def get_queryset(self):
        # A session's date and body are its meeting's: always read with it.
        return super().get_queryset().select_related("meeting__body")


class CommitteeSession(models.Model):
    """The programming's side of a meeting of the comité technique or de pilotage: the call
    whose dossiers it examines, its dossier agenda, its opinions or decisions. The date, the
    place, the convocation and the minutes are the meeting's (`governance.Meeting`)."""

    call = models.ForeignKey(
        CallForProjects, verbose_name="appel", on_delete=models.CASCADE, related_name="sessions"
    )
    meeting = models.OneToOneField(
        "governance.Meeting",
        verbose_name="réunion",
        on_delete=models.RESTRICT,
        related_name="committee_session",
    )
    kind = models.CharField("instance", max_length=20, choices=CommitteeKind)
    uuid = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    # Incremented by every save of the session's agenda or of its table of decisions/opinions:
    # a save prepared on an older version is refused (two people at the same session).
    version = models.PositiveIntegerField("version", default=0, editable=False)

    objects = CommitteeSessionManager()

    class Meta:
        verbose_name = "séance de comité"
        verbose_name_plural = "séances de comité"
        ordering = ["meeting__date", "pk"]
        base_manager_name = "objects"

    def __str__(self):
        return f"{self.get_kind_display()} du {self.held_on:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("programming:session-detail", args=[self.uuid])

    @property
    def held_on(self):
        return self.meeting.date


class AgendaItem(models.Model):
    """A dossier on a session's agenda (« ordre du jour »): the session examines it."""

    session = models.ForeignKey(
        CommitteeSession, verbose_name="séance", on_delete=models.CASCADE, related_name="agenda"
    )
    application = models.ForeignKey(
        Application,
        verbose_name="dossier",
        on_delete=models.CASCADE,
        related_name="agenda_items",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "dossier à l'ordre du jour"
        verbose_name_plural = "ordre du jour"
        constraints = [
            models.UniqueConstraint(fields=["session", "application"], name="one_agenda_item")
        ]

    def __str__(self):
        return f"{self.session} : {self.application}"


class TechnicalOpinion(models.Model):
    """The comité technique's opinion on an application."""

    session = models.ForeignKey(
        CommitteeSession, verbose_name="séance", on_delete=models.CASCADE, related_name="opinions"
    )
    application = models.ForeignKey(
        Application,
        verbose_name="dossier",
        on_delete=models.CASCADE,
        related_name="technical_opinions",
    )
    opinion = models.CharField("avis", max_length=20, choices=Opinion)
    comment = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "avis du comité technique"
        verbose_name_plural = "avis du comité technique"
        constraints = [
            models.UniqueConstraint(fields=["session", "application"], name="one_technical_opinion")
        ]

    def __str__(self):
        return self.get_opinion_display()


class Decision(models.Model):
    """The comité de pilotage's decision on one funding request; the amount granted is the
    request's `granted`."""

    session = models.ForeignKey(
        CommitteeSession,
        verbose_name="séance",
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    request = models.OneToOneField(
        FundingRequest,
        verbose_name="demande de financement",
        on_delete=models.CASCADE,
        related_name="decision",
    )
    outcome = models.CharField("décision", max_length=20, choices=DecisionOutcome)
    motivation = models.TextField("motivation", blank=True)
    # Its entry in the contract's register of decisions (one per dossier and session: the
    # decisions of every funder of a dossier are one numbered decision of the committee).
    register_entry = models.ForeignKey(
        "governance.Decision",
        verbose_name="décision du registre",
        on_delete=models.RESTRICT,
        related_name="funding_decisions",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "décision"
        verbose_name_plural = "décisions"

    def __str__(self):
        return f"{self.funder} : {self.get_outcome_display()}"

    @property
    def application(self):
        return self.request.application

    @property
    def funder(self):
        return self.request.funder

    @property
    def is_granted(self) -> bool:
        return self.outcome == DecisionOutcome.GRANTED


class Convention(models.Model):
    """Commits the amounts granted by one or more funders of an application; its funders are
    those of its `requests` (each funding request has at most one convention)."""

    application = models.ForeignKey(
        Application,
        verbose_name="dossier",
        on_delete=models.CASCADE,
        related_name="conventions",
    )
    years = models.PositiveSmallIntegerField(
        "durée (années)", default=1, help_text="Plus d'un an : convention pluriannuelle (CPO)."
    )
    amount = models.DecimalField("montant", **MONEY)
    signed_on = models.DateField("signée le")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "convention"
        verbose_name_plural = "conventions"
        constraints = [
            models.CheckConstraint(
                condition=Q(years__gte=1, years__lte=4), name="convention_up_to_4_years"
            )
        ]

    def __str__(self):
        return f"Convention du {self.signed_on:%d/%m/%Y}"


class Payment(models.Model):
    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="payments"
    )
    request = models.ForeignKey(
        FundingRequest,
        verbose_name="demande de financement",
        on_delete=models.PROTECT,
        related_name="payments",
    )
    kind = models.CharField("nature", max_length=20, choices=PaymentKind)
    amount = models.DecimalField("montant", **MONEY)
    paid_on = models.DateField("payé le")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "paiement"
        verbose_name_plural = "paiements"
        ordering = ["paid_on"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive")]

    def __str__(self):
        return f"{self.get_kind_display()} de {self.amount} €"

    @property
    def funder(self):
        return self.request.funder


class FinalReport(models.Model):
    """The bilan of an action, shaped like CERFA 15059*02."""

    application = models.OneToOneField(
        Application, verbose_name="dossier", on_delete=models.CASCADE, related_name="report"
    )
    summary = models.TextField("bilan qualitatif")
    participants_total = models.PositiveIntegerField("participants")
    participants_women = models.PositiveIntegerField("dont femmes", default=0)
    participants_men = models.PositiveIntegerField("dont hommes", default=0)
    participants_age_bands = models.JSONField("par tranche d'âge", default=dict, blank=True)
    participants_by_qpv = models.JSONField("habitants des QPV, par QPV", default=dict, blank=True)
    objectives_reached = models.TextField("objectifs atteints", blank=True)
    realised_charges = models.DecimalField("charges réalisées", **MONEY, default=Decimal("0"))
    realised_products = models.DecimalField("produits réalisés", **MONEY, default=Decimal("0"))
    notes = models.TextField("explications des écarts", blank=True)
    received_at = models.DateTimeField("reçu le", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "bilan"
        verbose_name_plural = "bilans"

    def __str__(self):
        return f"Bilan de {self.application}"


class ReportReminder(models.Model):
    application = models.ForeignKey(
        Application,
        verbose_name="dossier",
        on_delete=models.CASCADE,
        related_name="report_reminders",
    )
    sent_at = models.DateTimeField("envoyée le", auto_now_add=True)

    class Meta:
        verbose_name = "relance de bilan"
        verbose_name_plural = "relances de bilan"

    def __str__(self):
        return f"Relance du {self.sent_at:%d/%m/%Y}"


class DecisionLetter(models.Model):
    """The decision letter of an application, once issued (sent to the carrier): its human
    reference `<contract slug>-<year>-<sequence>` and its signatory are kept, so the letter
    downloaded later is the one that was sent. The sequence counts the call's letters."""

    application = models.OneToOneField(
        Application,
        verbose_name="dossier",
        on_delete=models.CASCADE,
        related_name="decision_letter",
    )
    call = models.ForeignKey(
        CallForProjects,
        verbose_name="appel",
        on_delete=models.CASCADE,
        related_name="decision_letters",
    )
    sequence = models.PositiveIntegerField("numéro d'ordre")
    reference = models.CharField("référence", max_length=140, unique=True)
    issued_at = models.DateTimeField("émise le", auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="émise par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    signatory_name = models.CharField("signataire", max_length=300, blank=True)
    signatory_quality = models.CharField("qualité du signataire", max_length=300)

    class Meta:
        verbose_name = "lettre de décision"
        verbose_name_plural = "lettres de décision"
        ordering = ["call", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["call", "sequence"], name="one_letter_number_per_call")
        ]

    def __str__(self):
        return self.reference
