"""The contract as data: territory, contract, partners, commitments grid and provenance."""

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, Exists, F, Max, OuterRef, Prefetch, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from simple_history.models import HistoricalRecords

from quartiers.contracts.enums import AmendmentKind, Generation, PriorityKind, Role
from quartiers.core.enums import OrganisationKind


class Epci(models.Model):
    name = models.CharField("nom", max_length=200, unique=True)
    siren = models.CharField("SIREN", max_length=9, blank=True)

    class Meta:
        verbose_name = "intercommunalité"
        verbose_name_plural = "intercommunalités"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Commune(models.Model):
    name = models.CharField("nom", max_length=200)
    insee_code = models.CharField("code INSEE", max_length=5, unique=True, null=True, blank=True)
    epci = models.ForeignKey(
        Epci, verbose_name="intercommunalité", on_delete=models.PROTECT, related_name="communes"
    )

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.insee_code})" if self.insee_code else self.name


class SourceDocument(models.Model):
    """A document a contract's data was imported from, kept whole for provenance."""

    name = models.CharField("nom du fichier", max_length=255)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, unique=True)
    title = models.CharField("titre", max_length=500, blank=True)
    format = models.CharField("format", max_length=10)
    lines = models.JSONField("lignes du texte extrait", default=list)
    imported_at = models.DateTimeField("importé le", auto_now_add=True)

    class Meta:
        verbose_name = "document source"
        verbose_name_plural = "documents sources"
        ordering = ["-imported_at"]

    def __str__(self):
        return self.name


class Provenance(models.Model):
    """Where an imported element comes from: document, line and raw cells."""

    source_document = models.ForeignKey(
        SourceDocument,
        verbose_name="document source",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_line = models.PositiveIntegerField("ligne source", null=True, blank=True)
    raw_cells = models.JSONField("cellules brutes", default=list, blank=True)

    class Meta:
        abstract = True


class ContractQuerySet(models.QuerySet):
    def with_end(self):
        """Annotate the latest amendment end and the effective end (see services.effective_end)."""
        return self.annotate(prolonged_until=Max("amendments__ends_on")).annotate(
            effective_ends_on=Case(
                When(prolonged_until__gt=F("ends_on"), then=F("prolonged_until")),
                default=Coalesce("ends_on", "prolonged_until"),
            )
        )

    def with_engagement_count(self):
        counts = (
            Engagement.objects.filter(contract=OuterRef("pk"))
            .order_by()
            .values("contract")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(engagement_count=Coalesce(Subquery(counts), 0))


class Contract(models.Model):
    slug = models.SlugField("identifiant", max_length=100, unique=True)
    name = models.CharField("nom", max_length=300)
    territory = models.CharField("territoire", max_length=200)
    epci = models.ForeignKey(
        Epci,
        verbose_name="intercommunalité",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
    )
    communes = models.ManyToManyField(
        Commune, verbose_name="communes", blank=True, related_name="contracts"
    )
    generation = models.CharField(
        "génération", max_length=4, choices=Generation, default=Generation.CV_2015
    )
    signed_on = models.DateField("signé le", null=True, blank=True)
    starts_on = models.DateField("début", null=True, blank=True)
    ends_on = models.DateField("fin initiale", null=True, blank=True)
    is_published = models.BooleanField(
        "publié",
        default=False,
        help_text="Un contrat publié est consultable par le public, sans connexion.",
    )
    archived_at = models.DateTimeField(
        "archivé le",
        null=True,
        blank=True,
        help_text="Un contrat archivé reste consultable mais n'est plus modifiable.",
    )
    source_document = models.ForeignKey(
        SourceDocument,
        verbose_name="dernier document importé",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contracts",
    )
    history = HistoricalRecords()

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = "contrat de ville"
        verbose_name_plural = "contrats de ville"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("contracts:contract-detail", kwargs={"slug": self.slug})

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Qpv(models.Model):
    contract = models.ForeignKey(
        Contract, verbose_name="contrat", on_delete=models.CASCADE, related_name="qpvs"
    )
    code = models.CharField("code QPV", max_length=12, blank=True)
    name = models.CharField("nom", max_length=200)
    communes = models.ManyToManyField(Commune, verbose_name="communes", blank=True)

    class Meta:
        verbose_name = "quartier prioritaire"
        verbose_name_plural = "quartiers prioritaires"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "name"], name="unique_qpv_name_per_contract"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.code})" if self.code else self.name


class Amendment(Provenance):
    """A protocol or amendment that changes a contract, often its end date."""

    contract = models.ForeignKey(
        Contract, verbose_name="contrat", on_delete=models.CASCADE, related_name="amendments"
    )
    kind = models.CharField("nature", max_length=20, choices=AmendmentKind)
    title = models.CharField("titre", max_length=500)
    signed_on = models.DateField("signé le", null=True, blank=True)
    starts_on = models.DateField("début de période", null=True, blank=True)
    ends_on = models.DateField("nouvelle date de fin", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "avenant ou protocole"
        verbose_name_plural = "avenants et protocoles"
        ordering = ["ends_on", "pk"]

    def __str__(self):
        return self.title


class PartnerQuerySet(models.QuerySet):
    def grid_first(self):
        """Grid columns first, then the others, each in document order."""
        return self.order_by("-is_grid_column", "position", "code")

    def with_services(self):
        """Top-level partners with their services (State services under the State)."""
        return (
            self.filter(parent=None)
            .grid_first()
            .prefetch_related(Prefetch("services", queryset=Partner.objects.order_by("position")))
        )


class Partner(Provenance):
    """An organisation taking part in a contract (a column of the commitments grid)."""

    contract = models.ForeignKey(
        Contract, verbose_name="contrat", on_delete=models.CASCADE, related_name="partners"
    )
    code = models.CharField("sigle", max_length=40)
    name = models.CharField("nom", max_length=300, blank=True)
    kind = models.CharField(
        "nature", max_length=20, choices=OrganisationKind, default=OrganisationKind.OTHER
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="rattaché à",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partnerships",
    )
    is_grid_column = models.BooleanField("colonne de la grille", default=False)
    position = models.PositiveIntegerField("ordre", default=0)
    history = HistoricalRecords()

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = "partenaire"
        verbose_name_plural = "partenaires"
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "code"], name="unique_partner_code")
        ]

    def __str__(self):
        return f"{self.name} ({self.code})" if self.name else self.code

    def get_absolute_url(self):
        return reverse(
            "contracts:partner-detail",
            kwargs={"slug": self.contract.slug, "code": self.code},
        )


class Signatory(models.Model):
    contract = models.ForeignKey(
        Contract, verbose_name="contrat", on_delete=models.CASCADE, related_name="signatories"
    )
    partner = models.ForeignKey(
        Partner, verbose_name="partenaire", on_delete=models.CASCADE, related_name="signatures"
    )
    representative = models.CharField("représenté par", max_length=200, blank=True)
    signed_on = models.DateField("signé le", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "signataire"
        verbose_name_plural = "signataires"
        ordering = ["partner__position"]

    def __str__(self):
        return str(self.partner)


class Pillar(Provenance):
    contract = models.ForeignKey(
        Contract, verbose_name="contrat", on_delete=models.CASCADE, related_name="pillars"
    )
    name = models.CharField("nom", max_length=300)
    position = models.PositiveIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "pilier"
        verbose_name_plural = "piliers"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "name"], name="unique_pillar_name")
        ]

    def __str__(self):
        return self.name


class Theme(models.Model):
    pillar = models.ForeignKey(
        Pillar, verbose_name="pilier", on_delete=models.CASCADE, related_name="themes"
    )
    name = models.CharField("nom", max_length=200)
    position = models.PositiveIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "thème"
        verbose_name_plural = "thèmes"
        ordering = ["pillar__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pillar", "name"], name="unique_theme_per_pillar")
        ]

    def __str__(self):
        return self.name


class Priority(Provenance):
    contract = models.ForeignKey(
        Contract, verbose_name="contrat", on_delete=models.CASCADE, related_name="priorities"
    )
    kind = models.CharField("nature", max_length=20, choices=PriorityKind)
    label = models.CharField("intitulé", max_length=300)
    details = models.TextField("précisions", blank=True)
    position = models.PositiveIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "priorité"
        verbose_name_plural = "priorités"
        ordering = ["kind", "position"]

    def __str__(self):
        return self.label


class GovernanceBody(Provenance):
    contract = models.ForeignKey(
        Contract,
        verbose_name="contrat",
        on_delete=models.CASCADE,
        related_name="governance_bodies",
    )
    name = models.CharField("nom", max_length=200)
    position = models.PositiveIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "instance de gouvernance"
        verbose_name_plural = "instances de gouvernance"
        ordering = ["position"]

    def __str__(self):
        return self.name


class Contribution(Provenance):
    """Free-text commitment of one partner (a paragraph of the protocol)."""

    contract = models.ForeignKey(
        Contract, verbose_name="contrat", on_delete=models.CASCADE, related_name="contributions"
    )
    partner = models.ForeignKey(
        Partner, verbose_name="partenaire", on_delete=models.CASCADE, related_name="contributions"
    )
    title = models.CharField("intitulé", max_length=300, blank=True)
    text = models.TextField("texte")
    position = models.PositiveIntegerField("ordre", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "contribution d'un partenaire"
        verbose_name_plural = "contributions des partenaires"
        ordering = ["position"]

    def __str__(self):
        return self.title or self.text[:80]


class GlossaryEntry(Provenance):
    contract = models.ForeignKey(
        Contract, verbose_name="contrat", on_delete=models.CASCADE, related_name="glossary"
    )
    acronym = models.CharField("sigle", max_length=40)
    meaning = models.CharField("signification", max_length=300)

    class Meta:
        verbose_name = "entrée du glossaire"
        verbose_name_plural = "glossaire"
        ordering = ["acronym"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "acronym"], name="unique_glossary_acronym")
        ]

    def __str__(self):
        return f"{self.acronym} : {self.meaning}"


class EngagementQuerySet(models.QuerySet):
    def for_contract(self, contract):
        return self.filter(contract=contract)

    def with_grid(self):
        return self.select_related("pillar", "theme").prefetch_related(
            Prefetch(
                "roles",
                queryset=EngagementRole.objects.select_related("partner", "service"),
            )
        )

    def in_matrix_order(self):
        """Grouped by pillar then theme (engagements without a theme first), then by number."""
        return self.order_by(
            "pillar__position", F("theme__position").asc(nulls_first=True), "number"
        )

    def involving(self, *, partner=None, role=None):
        """Engagements where `partner` (or a service under it) has a role, `role` if given."""
        roles = EngagementRole.objects.filter(engagement=OuterRef("pk"))
        if partner is not None:
            roles = roles.involving(partner)
        if role:
            roles = roles.filter(role=role)
        return self.filter(Exists(roles))


class Engagement(Provenance):
    """One commitment of the grid: a row with a role per partner."""

    contract = models.ForeignKey(
        Contract, verbose_name="contrat", on_delete=models.CASCADE, related_name="engagements"
    )
    pillar = models.ForeignKey(
        Pillar, verbose_name="pilier", on_delete=models.PROTECT, related_name="engagements"
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name="thème",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagements",
    )
    number = models.PositiveIntegerField("numéro")
    text = models.TextField("texte")
    history = HistoricalRecords()

    objects = EngagementQuerySet.as_manager()

    class Meta:
        verbose_name = "engagement"
        verbose_name_plural = "engagements"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="unique_engagement_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:80]}"


class EngagementRoleQuerySet(models.QuerySet):
    def involving(self, partner):
        """Roles held by `partner`, by one of its services, or naming it as the State service."""
        return self.filter(Q(partner=partner) | Q(service=partner) | Q(partner__parent=partner))


class EngagementRole(models.Model):
    engagement = models.ForeignKey(
        Engagement, verbose_name="engagement", on_delete=models.CASCADE, related_name="roles"
    )
    partner = models.ForeignKey(
        Partner, verbose_name="partenaire", on_delete=models.CASCADE, related_name="roles"
    )
    service = models.ForeignKey(
        Partner,
        verbose_name="service de l'État",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_roles",
    )
    role = models.CharField("rôle", max_length=20, choices=Role)
    history = HistoricalRecords()

    objects = EngagementRoleQuerySet.as_manager()

    class Meta:
        verbose_name = "rôle dans un engagement"
        verbose_name_plural = "rôles dans les engagements"
        ordering = ["partner__position", "service__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "partner", "service"], name="unique_role_with_service"
            ),
            models.UniqueConstraint(
                fields=["engagement", "partner"],
                condition=models.Q(service__isnull=True),
                name="unique_role_without_service",
            ),
        ]

    def __str__(self):
        service = f" ({self.service.code})" if self.service_id else ""
        return f"{self.partner.code}{service} : {self.get_role_display()}"


class ImportWarning(models.Model):
    """Something the importer could not decide alone: to be reviewed by a person."""

    contract = models.ForeignKey(
        Contract, verbose_name="contrat", on_delete=models.CASCADE, related_name="import_warnings"
    )
    source_document = models.ForeignKey(
        SourceDocument, verbose_name="document source", on_delete=models.CASCADE
    )
    code = models.CharField("code", max_length=40)
    message = models.TextField("message")
    line = models.PositiveIntegerField("ligne", null=True, blank=True)
    # The subject, when the warning has one: what a person corrects to settle it (a partner
    # left unnamed, an engagement whose row was read with a doubt). Set by the import
    # (`services.sync_imported_content`), always of the warning's contract.
    partner = models.ForeignKey(
        Partner,
        verbose_name="partenaire",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_warnings",
    )
    engagement = models.ForeignKey(
        Engagement,
        verbose_name="engagement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_warnings",
    )
    reviewed = models.BooleanField("vérifié", default=False)
    reviewed_at = models.DateTimeField("vérifié le", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="vérifié par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "avertissement d'import"
        verbose_name_plural = "avertissements d'import"
        ordering = ["line", "pk"]

    def __str__(self):
        return self.message


# The importer's warning about a partner it could not name (its subject is the partner).
UNKNOWN_ACRONYM = "unknown_acronym"
UNKNOWN_ACRONYM_MESSAGE = (
    "Sigle inconnu : {code} (absent de la légende du document et des sigles nationaux "
    "connus) ; son nom est à compléter."
)
