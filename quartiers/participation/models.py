"""The conseil citoyen of a contract, its members, volunteer lists and draws by lot."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from quartiers.accounts.models import Organisation
from quartiers.contracts.models import Contract
from quartiers.governance.models import Meeting
from quartiers.participation.enums import (
    College,
    Gender,
    MicroProjectFileKind,
    MicroProjectStatus,
)

# What an erased member's name reads; the row stays so that what they took part in stays.
ERASED_NAME = "Membre retiré·e"
ERASED_VOLUNTEER = "Volontaire retiré·e"


class CitizenCouncil(models.Model):
    """One conseil citoyen per contract (the law: one per quartier prioritaire; the contracts
    we serve have one for their quartiers)."""

    contract = models.OneToOneField(
        Contract,
        verbose_name="contrat",
        on_delete=models.CASCADE,
        related_name="citizen_council",
    )
    name = models.CharField("nom", max_length=200)
    created_on = models.DateField("créé le", null=True, blank=True)
    # The structure porteuse: a legal person the préfet recognises (article 7), an
    # organisation of the platform when it has one, else its name as written.
    carrying_organisation = models.ForeignKey(
        Organisation,
        verbose_name="structure porteuse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_councils",
    )
    carrying_structure_name = models.CharField(
        "structure porteuse (nom, si elle n'est pas sur la plateforme)",
        max_length=200,
        blank=True,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "conseil citoyen"
        verbose_name_plural = "conseils citoyens"

    def __str__(self):
        return self.name

    @property
    def carrying_structure(self) -> str:
        if self.carrying_organisation_id:
            return str(self.carrying_organisation)
        return self.carrying_structure_name


class CouncilMemberQuerySet(models.QuerySet):
    def for_contract(self, contract):
        return self.filter(contract=contract)

    def current(self):
        return self.filter(left_on__isnull=True)

    def former(self):
        return self.filter(left_on__isnull=False)


class CouncilMember(models.Model):
    """A member of the conseil citoyen. A member who leaves may have their personal data
    erased (`services.erase_member`): the row stays, named « Membre retiré·e », so that the
    opinions and decisions they took part in keep their author."""

    contract = models.ForeignKey(
        Contract,
        verbose_name="contrat",
        on_delete=models.CASCADE,
        related_name="council_members",
    )
    council = models.ForeignKey(
        CitizenCouncil,
        verbose_name="conseil citoyen",
        on_delete=models.CASCADE,
        related_name="members",
    )
    college = models.CharField("collège", max_length=20, choices=College)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150)
    email = models.EmailField("adresse électronique", blank=True)
    gender = models.CharField("genre (pour la parité)", max_length=10, choices=Gender)
    # A local actor sits for an association or structure.
    represents = models.CharField(
        "représente (association, acteur local)", max_length=200, blank=True
    )
    term_starts_on = models.DateField("début du mandat")
    term_ends_on = models.DateField("fin du mandat", null=True, blank=True)
    consent_given_at = models.DateTimeField(
        "consentement au traitement des données recueilli le", null=True, blank=True
    )
    consent_version = models.CharField(
        "version du texte de consentement", max_length=20, blank=True
    )
    left_on = models.DateField("a quitté le conseil le", null=True, blank=True)
    erased_at = models.DateTimeField("données personnelles effacées le", null=True, blank=True)
    # A platform account (the `citizen_council` role gives access to the contract): distinct
    # from membership, linkable.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="compte sur la plateforme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="council_memberships",
    )
    # The resident drawn by lot this member was (erasing the member erases the volunteer).
    volunteer = models.ForeignKey(
        "Volunteer",
        verbose_name="volontaire tiré·e au sort",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    history = HistoricalRecords()

    objects = CouncilMemberQuerySet.as_manager()

    class Meta:
        verbose_name = "membre du conseil citoyen"
        verbose_name_plural = "membres du conseil citoyen"
        ordering = ["college", "last_name", "first_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_ends_on__isnull=True)
                | models.Q(term_ends_on__gte=models.F("term_starts_on")),
                name="member_term_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class VolunteerList(models.Model):
    """Residents who volunteered for the draw, frozen when recorded: its fingerprint is the
    SHA-256 of its canonical text (`draws.canonical_text`). To change a list, record a new
    one."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contract = models.ForeignKey(
        Contract,
        verbose_name="contrat",
        on_delete=models.CASCADE,
        related_name="volunteer_lists",
    )
    name = models.CharField("nom de la liste", max_length=200)
    source = models.CharField("origine", max_length=200)
    fingerprint = models.CharField("empreinte SHA-256", max_length=64)
    created_at = models.DateTimeField("enregistrée le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="enregistrée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "liste de volontaires"
        verbose_name_plural = "listes de volontaires"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name


class Volunteer(models.Model):
    """A resident on a volunteer list: the name as it enters the draw, the declared gender
    (for parity) and, optionally, how to reach them."""

    volunteer_list = models.ForeignKey(
        VolunteerList,
        verbose_name="liste",
        on_delete=models.CASCADE,
        related_name="volunteers",
    )
    position = models.PositiveIntegerField("ligne")
    display_name = models.CharField("nom", max_length=200)
    gender = models.CharField("genre (pour la parité)", max_length=10, choices=Gender)
    email = models.EmailField("adresse électronique", blank=True)
    erased_at = models.DateTimeField("données personnelles effacées le", null=True, blank=True)

    class Meta:
        verbose_name = "volontaire"
        verbose_name_plural = "volontaires"
        ordering = ["volunteer_list", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer_list", "position"], name="one_volunteer_per_line"
            ),
        ]

    def __str__(self):
        return self.display_name


class Draw(models.Model):
    """A draw by lot from a volunteer list: its seed, the list's fingerprint at the time and
    the algorithm's version are recorded, so that anyone may re-run it (`draws.rank`)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contract = models.ForeignKey(
        Contract,
        verbose_name="contrat",
        on_delete=models.CASCADE,
        related_name="draws",
    )
    volunteer_list = models.ForeignKey(
        VolunteerList,
        verbose_name="liste de volontaires",
        on_delete=models.RESTRICT,
        related_name="draws",
    )
    seats = models.PositiveIntegerField("sièges à pourvoir")
    seed = models.CharField("graine (publiée)", max_length=200)
    algorithm = models.CharField("algorithme", max_length=40)
    list_fingerprint = models.CharField("empreinte de la liste", max_length=64)
    women_on_list = models.PositiveIntegerField("femmes sur la liste")
    men_on_list = models.PositiveIntegerField("hommes sur la liste")
    drawn_at = models.DateTimeField("tiré le", auto_now_add=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tiré par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "tirage au sort"
        verbose_name_plural = "tirages au sort"
        ordering = ["-drawn_at", "-pk"]

    def __str__(self):
        return f"Tirage au sort du {self.drawn_at:%d/%m/%Y}"

    def get_public_url(self):
        from django.urls import reverse

        return reverse("participation:draw-public", kwargs={"uuid": self.uuid})


class DrawEntry(models.Model):
    """One volunteer's place in a draw: their rank among the volunteers of their gender and
    whether it gave them a seat (the others, in order, are the liste complémentaire)."""

    draw = models.ForeignKey(
        Draw, verbose_name="tirage", on_delete=models.CASCADE, related_name="entries"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name="volontaire", on_delete=models.RESTRICT, related_name="entries"
    )
    gender = models.CharField("genre", max_length=10, choices=Gender)
    rank = models.PositiveIntegerField("rang parmi son genre")
    key = models.CharField("clé de tri (SHA-256)", max_length=64)
    seated = models.BooleanField("tiré·e au sort pour un siège")

    class Meta:
        verbose_name = "rang au tirage"
        verbose_name_plural = "rangs au tirage"
        ordering = ["draw", "-seated", "rank", "gender"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "volunteer"], name="one_entry_per_volunteer"),
            models.UniqueConstraint(fields=["draw", "gender", "rank"], name="one_rank_per_gender"),
        ]

    def __str__(self):
        return f"{self.get_gender_display()} n° {self.rank}"


# --------------------------------------------------------------------------- FPH


class ResidentsFund(models.Model):
    """The fonds de participation des habitants (FPH) of a contract for one year: an envelope
    that informal groups of residents draw on for micro-projects, within a cap per project
    and a share of the project's total cost, paid by a carrying association."""

    contract = models.ForeignKey(
        Contract,
        verbose_name="contrat",
        on_delete=models.CASCADE,
        related_name="residents_funds",
    )
    year = models.PositiveSmallIntegerField("année")
    envelope = models.DecimalField("enveloppe (€)", max_digits=10, decimal_places=2)
    cap_per_project = models.DecimalField(
        "plafond par projet (€)", max_digits=10, decimal_places=2, default=Decimal("760")
    )
    max_share = models.PositiveSmallIntegerField(
        "part maximale du coût total du projet (%)",
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    carrying_organisation = models.ForeignKey(
        Organisation,
        verbose_name="association porteuse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_residents_funds",
    )
    carrying_structure_name = models.CharField(
        "association porteuse (nom, si elle n'est pas sur la plateforme)",
        max_length=200,
        blank=True,
    )
    is_open = models.BooleanField("ouvert aux demandes", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "fonds de participation des habitants"
        verbose_name_plural = "fonds de participation des habitants"
        ordering = ["contract", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "year"], name="one_fund_per_year"),
            models.CheckConstraint(
                condition=models.Q(envelope__gte=0), name="fund_envelope_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(cap_per_project__gt=0), name="fund_cap_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(max_share__gte=1, max_share__lte=100),
                name="fund_share_is_a_percentage",
            ),
        ]

    def __str__(self):
        return f"Fonds de participation des habitants {self.year}"

    @property
    def carrying_structure(self) -> str:
        if self.carrying_organisation_id:
            return str(self.carrying_organisation)
        return self.carrying_structure_name


class MicroProjectQuerySet(models.QuerySet):
    def confirmed(self):
        """What the committee sees: every request whose group confirmed its e-mail."""
        return self.exclude(status=MicroProjectStatus.UNCONFIRMED)

    def supported(self):
        """Accepted by the committee (paid or not, bilan filed or not): the public list."""
        from quartiers.participation.fund import SUPPORTED

        return self.filter(status__in=SUPPORTED)


class MicroProject(models.Model):
    """A micro-project an informal group of residents asks the FPH to support, without an
    account: the contact's first name, e-mail and phone are personal data, shown to the
    committee only, never on a public page. The group follows its request through a private
    link (`access_key_hash`: the SHA-256 of the key sent by e-mail, never the key itself)."""

    uuid = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    contract = models.ForeignKey(
        Contract,
        verbose_name="contrat",
        on_delete=models.CASCADE,
        related_name="micro_projects",
    )
    fund = models.ForeignKey(
        ResidentsFund,
        verbose_name="fonds",
        on_delete=models.RESTRICT,
        related_name="projects",
    )
    title = models.CharField("titre du projet", max_length=200)
    description = models.TextField("ce que le groupe veut faire")
    audience = models.CharField("pour qui", max_length=300)
    when = models.CharField("quand", max_length=200)
    group_name = models.CharField("nom du groupe d'habitants", max_length=200)
    contact_first_name = models.CharField("prénom de la personne à contacter", max_length=150)
    contact_email = models.EmailField("adresse électronique de contact")
    contact_phone = models.CharField("téléphone de contact", max_length=30, blank=True)
    total_cost = models.DecimalField("coût total du projet (€)", max_digits=10, decimal_places=2)
    amount_requested = models.DecimalField("montant demandé (€)", max_digits=10, decimal_places=2)
    status = models.CharField(
        "état",
        max_length=20,
        choices=MicroProjectStatus,
        default=MicroProjectStatus.UNCONFIRMED,
    )
    access_key_hash = models.CharField(
        "empreinte de la clé du lien privé", max_length=64, unique=True
    )
    # The signed nonce of the form that created it: the same form sent twice makes one project.
    request_nonce = models.CharField(
        "jeton du formulaire de demande", max_length=64, unique=True, null=True, blank=True
    )
    created_at = models.DateTimeField("déposé le", auto_now_add=True)
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)
    # The committee's vote.
    votes_for = models.PositiveSmallIntegerField("voix pour", null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField("voix contre", null=True, blank=True)
    votes_abstention = models.PositiveSmallIntegerField("abstentions", null=True, blank=True)
    decided_on = models.DateField("décidé le", null=True, blank=True)
    amount_granted = models.DecimalField(
        "montant accordé (€)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    decision_comment = models.TextField("motif ou commentaire du comité", blank=True)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name="réunion du comité",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    register_entry = models.OneToOneField(
        "governance.Decision",
        verbose_name="décision au registre",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="micro_project",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="décision enregistrée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The payment, made by the carrying association.
    paid_on = models.DateField("versé le", null=True, blank=True)
    amount_paid = models.DecimalField(
        "montant versé (€)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    payment_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="versement enregistré par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The bilan, filed by the group through its private link.
    report_text = models.TextField("bilan en quelques lignes", blank=True)
    report_participants = models.PositiveIntegerField(
        "nombre de participants", null=True, blank=True
    )
    report_expenses = models.DecimalField(
        "dépenses réelles (€)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    reported_at = models.DateTimeField("bilan déposé le", null=True, blank=True)
    # The contact, erased once kept long enough (`fund.purge_personal_data`).
    contact_erased_on = models.DateField("coordonnées effacées le", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["access_key_hash", "request_nonce"])

    objects = MicroProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "micro-projet du FPH"
        verbose_name_plural = "micro-projets du FPH"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_requested__gt=0), name="micro_project_asks_something"
            ),
            models.CheckConstraint(
                condition=models.Q(total_cost__gte=models.F("amount_requested")),
                name="micro_project_asks_at_most_its_cost",
            ),
        ]

    def __str__(self):
        return self.title


def micro_project_upload_to(instance, filename):
    return f"fph/{instance.project.uuid}/{uuid.uuid4().hex}"


class MicroProjectFile(models.Model):
    """A photo or a receipt of a micro-project's bilan. Private: served only by a view that
    checks the person (photos may show residents)."""

    project = models.ForeignKey(
        MicroProject, verbose_name="micro-projet", on_delete=models.CASCADE, related_name="files"
    )
    kind = models.CharField("nature", max_length=10, choices=MicroProjectFileKind)
    file = models.FileField("fichier", upload_to=micro_project_upload_to)
    name = models.CharField("nom du fichier", max_length=255)
    content_type = models.CharField("type", max_length=100)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)

    class Meta:
        verbose_name = "pièce d'un bilan du FPH"
        verbose_name_plural = "pièces des bilans du FPH"
        ordering = ["project", "kind", "pk"]

    def __str__(self):
        return self.name
