"""Flag the existing État organisation (`Organisation.is_state`): the organisation the
imported protocols' État partners point to, the one most contracts share; failing that, the
oldest one the importer created (« État », sigle ETAT). Any other organisation of kind
« État » (a carrier's, set by hand) stays unflagged."""

from django.db import migrations
from django.db.models import Count


def mark_the_state(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    if Organisation.objects.filter(is_state=True).exists():
        return
    candidates = Organisation.objects.filter(kind="state", parent=None)
    state = (
        candidates.filter(partnerships__kind="state", partnerships__parent=None)
        .annotate(contracts=Count("partnerships__contract", distinct=True))
        .order_by("-contracts", "pk")
        .first()
    ) or candidates.filter(name="État", acronym="ETAT").order_by("pk").first()
    if state is not None:
        Organisation.objects.filter(pk=state.pk).update(is_state=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_organisation_is_state"),
        ("contracts", "0001_initial"),
    ]

    operations = [migrations.RunPython(mark_the_state, migrations.RunPython.noop)]
