"""The bodies of a contract's governance and who sits in them (docs/architecture.md,
Governance)."""

from django.db import models
from simple_history.models import HistoricalRecords

from quartiers.contracts.models import Contract, GovernanceBody, Partner
from quartiers.governance.enums import BodyKind, MemberRole


class Body(models.Model):
    """A body that meets: comité de pilotage, comité technique, atelier thématique, the
    conseil citoyen, the FPH committee…"""

    contract = models.ForeignKey(
        Contract, verbose_name="contrat", on_delete=models.CASCADE, related_name="bodies"
    )
    kind = models.CharField("nature", max_length=30, choices=BodyKind)
    name = models.CharField("nom", max_length=200)
    code = models.SlugField(
        "code",
        max_length=20,
        allow_unicode=False,
        help_text="Préfixe des numéros de décision, par exemple COPIL.",
    )
    position = models.PositiveIntegerField("ordre", default=0)
    # The body of the imported document it was created from; kept when a re-import no longer
    # names it (meetings and members are not the document's to delete).
    imported_from = models.ForeignKey(
        GovernanceBody,
        verbose_name="instance du document importé",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "instance"
        verbose_name_plural = "instances"
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "code"], name="one_body_code"),
            models.UniqueConstraint(fields=["contract", "name"], name="one_body_name"),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """An institution (a partner of the contract) sitting in a body."""

    body = models.ForeignKey(
        Body, verbose_name="instance", on_delete=models.CASCADE, related_name="memberships"
    )
    partner = models.ForeignKey(
        Partner, verbose_name="partenaire", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=20, choices=MemberRole, default=MemberRole.MEMBER)
    voting = models.BooleanField("voix délibérative", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "membre d'une instance"
        verbose_name_plural = "membres des instances"
        ordering = ["role", "partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "partner"], name="one_membership"),
        ]

    def __str__(self):
        return f"{self.partner} ({self.get_role_display()}) — {self.body}"
