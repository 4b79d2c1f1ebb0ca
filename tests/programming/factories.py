"""Factories of the programming models. Situations are traits, not subclasses.

- `CallForProjectsFactory()` is open (opened a month ago, deadline in a month);
  traits `closed` (deadline passed, status closed) and `draft` (not opened yet).
- `ApplicationFactory()` is a bare draft; `ApplicationFactory(complete=True, funders=[caf, etat])`
  fills everything `services.submission_errors` checks, with a balanced budget asking each
  funder (default: the call's funders, one is created if the call has none) for 5 000 €
  (`funders__amounts=[…]` to choose).
- `submitted_application(call, carrier, funders, amounts)`: the same, then really submitted
  through `services.submit_application`.
"""

import datetime
import math
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from quartiers.programming import services
from quartiers.programming.enums import ApplicationStatus, BudgetSide, CallStatus, EqualityMarker
from quartiers.programming.models import (
    SUBSIDY_ACCOUNT,
    Action,
    Application,
    Attachment,
    CallForProjects,
    CallFunder,
    GridCriterion,
    RequiredAttachment,
)
from tests.accounts.factories import OrganisationFactory
from tests.contracts.factories import ContractFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
DEFAULT_AMOUNT = Decimal("5000")


def _now():
    return timezone.now()


class CallForProjectsFactory(DjangoModelFactory):
    class Meta:
        model = CallForProjects
        skip_postgeneration_save = True

    contract = factory.SubFactory(ContractFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    title = factory.LazyAttribute(lambda o: f"Appel à projets {o.year}")
    description = "Soutenir les actions menées dans les quartiers prioritaires."
    status = CallStatus.OPEN
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    deadline = factory.LazyFunction(lambda: _now() + datetime.timedelta(days=30))
    min_qpv_share = Decimal("60")

    class Params:
        closed = factory.Trait(
            status=CallStatus.CLOSED,
            opens_on=factory.LazyFunction(
                lambda: timezone.localdate() - datetime.timedelta(days=90)
            ),
            deadline=factory.LazyFunction(lambda: _now() - datetime.timedelta(days=1)),
        )
        draft = factory.Trait(
            status=CallStatus.DRAFT,
            opens_on=factory.LazyFunction(
                lambda: timezone.localdate() + datetime.timedelta(days=10)
            ),
            deadline=factory.LazyFunction(lambda: _now() + datetime.timedelta(days=60)),
        )


class CallFunderFactory(DjangoModelFactory):
    class Meta:
        model = CallFunder

    call = factory.SubFactory(CallForProjectsFactory)
    organisation = factory.SubFactory(OrganisationFactory, funder=True)
    envelope = Decimal("50000")


class RequiredAttachmentFactory(DjangoModelFactory):
    class Meta:
        model = RequiredAttachment

    call = factory.SubFactory(CallForProjectsFactory)
    label = factory.Sequence(lambda n: f"Pièce demandée n° {n}")
    mandatory = True


class GridCriterionFactory(DjangoModelFactory):
    class Meta:
        model = GridCriterion

    call = factory.SubFactory(CallForProjectsFactory)
    label = factory.Sequence(lambda n: f"Critère n° {n}")
    weight = Decimal("1")
    max_score = 4
    position = factory.Sequence(int)


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action

    contract = factory.SubFactory(ContractFactory)
    carrier = factory.SubFactory(OrganisationFactory, association=True)
    title = factory.Sequence(lambda n: f"Action n° {n}")


class AttachmentFactory(DjangoModelFactory):
    class Meta:
        model = Attachment

    application = factory.SubFactory("tests.programming.factories.ApplicationFactory")
    required = None
    name = factory.Sequence(lambda n: f"piece-{n}.pdf")
    file = factory.LazyAttribute(lambda o: ContentFile(PDF_BYTES, name=o.name))
    content_type = "application/pdf"
    size = len(PDF_BYTES)


def _qpv_residents(o):
    return math.ceil(o.public_total * o.call.min_qpv_share / 100)


def complete_budget(application, funders=None, amounts=None):
    """A balanced budget: one 64 charge line, one 74 line per funder (replaces any budget),
    through `services.set_budget` (which keeps the funding requests)."""
    funders = list(funders) if funders is not None else None
    if not funders:
        funders = [f.organisation for f in application.call.funders.select_related("organisation")]
    if not funders:
        funders = [CallFunderFactory(call=application.call).organisation]
    amounts = [Decimal(a) for a in amounts] if amounts else [DEFAULT_AMOUNT] * len(funders)
    lines = [
        services.BudgetLineData(
            side=BudgetSide.CHARGE,
            account="64",
            label="Salaires",
            amount=sum(amounts, Decimal("0")),
        )
    ]
    lines += [
        services.BudgetLineData(
            side=BudgetSide.PRODUCT,
            account=SUBSIDY_ACCOUNT,
            label=f"Subvention {funder}",
            amount=amount,
            funder=funder,
        )
        for funder, amount in zip(funders, amounts, strict=True)
    ]
    status = application.status  # a trait may have set a later status: budget it as a draft
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.DRAFT)
    application.status = ApplicationStatus.DRAFT
    services.set_budget(application=application, lines=lines)
    Application.objects.filter(pk=application.pk).update(status=status)
    application.status = status


def provide_mandatory_attachments(application):
    for required in application.call.required_attachments.filter(mandatory=True):
        if not application.attachments.filter(required=required).exists():
            AttachmentFactory(application=application, required=required)


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    call = factory.SubFactory(CallForProjectsFactory)
    contract = factory.SelfAttribute("call.contract")
    carrier = factory.SubFactory(OrganisationFactory, association=True)
    title = factory.Sequence(lambda n: f"Atelier de quartier n° {n}")
    action = factory.SubFactory(
        ActionFactory,
        contract=factory.SelfAttribute("..call.contract"),
        carrier=factory.SelfAttribute("..carrier"),
        title=factory.SelfAttribute("..title"),
    )

    class Params:
        complete = factory.Trait(
            contact_name="Camille Martin",
            contact_email="camille.martin@example.org",
            objectives="Créer du lien entre les habitants.",
            description="Des ateliers hebdomadaires au centre social.",
            public_total=100,
            public_women=50,
            public_men=50,
            public_age_bands={"0-5": 0, "6-11": 20, "12-17": 30, "18-25": 20},
            public_qpv_residents=factory.LazyAttribute(_qpv_residents),
            starts_on=factory.LazyFunction(
                lambda: timezone.localdate() + datetime.timedelta(days=60)
            ),
            ends_on=factory.LazyFunction(
                lambda: timezone.localdate() + datetime.timedelta(days=300)
            ),
            equality_marker=EqualityMarker.G1,
            signatory_name="Dominique Durand",
            signatory_quality="présidente",
            attested=True,
            funders__complete=True,
        )

    @factory.post_generation
    def funders(obj, create, extracted, complete=False, amounts=None, **kwargs):
        """`funders=[…]` (with `complete=True`): one 74 line per funder, balanced by charges."""
        if not create or not (complete or extracted):
            return
        complete_budget(obj, extracted, amounts)
        if complete:
            provide_mandatory_attachments(obj)


def submitted_application(call, carrier=None, funders=None, amounts=None, by=None, **fields):
    """A complete application of `carrier` asking `funders` for `amounts`, really submitted."""
    if carrier is None:
        carrier = OrganisationFactory(association=True)
    application = ApplicationFactory(
        call=call,
        carrier=carrier,
        complete=True,
        funders=funders,
        funders__amounts=amounts,
        **fields,
    )
    services.submit_application(application=application, by=by)
    application.refresh_from_db()
    return application


def after_deadline(call):
    """Let the call's deadline pass (move it just before now).

    Applications are submitted before the deadline; instruction starts after it.
    """
    call.deadline = timezone.now() - datetime.timedelta(minutes=1)
    call.save(update_fields=["deadline"])
