"""The bodies of the contracts imported before this app existed, as `services.sync_bodies`
creates them at import (the same pure naming rules)."""

from django.db import migrations

from quartiers.governance.naming import body_code, body_kind


def create_bodies(apps, schema_editor):
    Contract = apps.get_model("contracts", "Contract")
    Body = apps.get_model("governance", "Body")
    for contract in Contract.objects.all():
        taken = set()
        bodies = []
        for source in contract.governance_bodies.order_by("position"):
            kind = body_kind(source.name)
            code = body_code(kind, source.name, taken)
            taken.add(code)
            bodies.append(
                Body(contract=contract, kind=kind, name=source.name, code=code, imported_from=source)
            )
        council = contract.partners.filter(kind="citizen_council").first()
        if council and not any(b.kind == "citizen_council" for b in bodies):
            code = body_code("citizen_council", council.name, taken)
            bodies.append(
                Body(contract=contract, kind="citizen_council", name=council.name, code=code)
            )
        for position, body in enumerate(bodies):
            body.position = position
        Body.objects.bulk_create(bodies)


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [migrations.RunPython(create_bodies, migrations.RunPython.noop)]
