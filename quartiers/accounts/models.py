"""People and organisations (roles per contract live in `quartiers.access`)."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from quartiers.accounts.validators import validate_rna, validate_siret
from quartiers.core.enums import OrganisationKind


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person; signs in with an e-mail address."""

    username = None
    email = models.EmailField("adresse électronique", unique=True)
    organisations = models.ManyToManyField(
        "Organisation",
        verbose_name="organisations",
        through="Membership",
        related_name="members",
        blank=True,
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        verbose_name = "personne"
        verbose_name_plural = "personnes"
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        full = self.get_full_name()
        return f"{full} <{self.email}>" if full else self.email


class Organisation(models.Model):
    name = models.CharField("nom", max_length=300)
    acronym = models.CharField("sigle", max_length=40, blank=True)
    kind = models.CharField(
        "nature", max_length=20, choices=OrganisationKind, default=OrganisationKind.OTHER
    )
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[validate_siret])
    rna = models.CharField("numéro RNA", max_length=10, blank=True, validators=[validate_rna])
    address = models.TextField("adresse", blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="rattachée à",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    # The one État of the platform (the imported protocols' ETAT partner): found by this flag,
    # never by `kind`, which members may change. Set by the importer, a data migration and
    # the admin; no form of the pages offers it.
    is_state = models.BooleanField(
        "l'État de la plateforme",
        default=False,
        help_text="L'organisation « État » que les protocoles importés désignent. "
        "Une seule organisation de la plateforme la porte.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_state"],
                condition=Q(is_state=True),
                name="one_state",
                violation_error_message="Une autre organisation est déjà l'État de la plateforme.",
            )
        ]

    def __str__(self):
        return (
            f"{self.name} ({self.acronym})"
            if self.acronym and self.acronym != self.name
            else self.name
        )

    def get_absolute_url(self):
        return reverse("access:organisation-detail", kwargs={"pk": self.pk})


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="personne", on_delete=models.CASCADE
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.CASCADE
    )
    funder_admin = models.BooleanField(
        "habilite les instructeurs du financeur",
        default=False,
        help_text="Cette personne attribue (et retire) le rôle d'instructeur de cette "
        "organisation sur les contrats dont elle est partenaire.",
    )

    class Meta:
        verbose_name = "appartenance"
        verbose_name_plural = "appartenances"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership")
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation}"


class Notice(models.Model):
    """Something that happened (a complement asked, a dossier resubmitted, a decision, a bilan
    due), told once to its recipients (`Notification`) and, when it says so, by e-mail. A
    non-empty `key` makes it idempotent: one notice per key (e.g. per bilan and due date)."""

    text = models.CharField("texte", max_length=500)
    link = models.CharField("lien", max_length=500, blank=True)
    key = models.CharField("clé", max_length=200, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "avis"
        verbose_name_plural = "avis"
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=~Q(key=""), name="one_notice_per_key")
        ]

    def __str__(self):
        return self.text


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One notice for one person, listed on their « Notifications » page until read."""

    notice = models.ForeignKey(
        Notice, verbose_name="avis", on_delete=models.CASCADE, related_name="notifications"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="personne",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    read_at = models.DateTimeField("lue le", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "notification"
        verbose_name_plural = "notifications"
        ordering = ["-notice__created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="one_notification_per_person")
        ]

    def __str__(self):
        return f"{self.user} : {self.notice}"
