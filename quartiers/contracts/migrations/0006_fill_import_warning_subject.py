"""Give the import warnings recorded before 0005 their subject, found as the contract pages
found it until then: a partner left unnamed from the code in the warning's text, a warning
about a grid row from the engagement read from its line (the latest number if several).
The rules are frozen here, as they were: the code no longer reads warnings' texts."""

from django.db import migrations

UNKNOWN_ACRONYM = "unknown_acronym"
UNKNOWN_ACRONYM_MESSAGE = (
    "Sigle inconnu : {code} (absent de la légende du document et des sigles nationaux "
    "connus) ; son nom est à compléter."
)
ENGAGEMENT_WARNING_CODES = (
    "mark_unrecognised",
    "row_realigned",
    "extra_cells",
    "theme_label",
    "fragment_joined",
)
BATCH = 500


def partner_code(message):
    before, after = UNKNOWN_ACRONYM_MESSAGE.split("{code}")
    if message.startswith(before) and message.endswith(after):
        return message[len(before) : len(message) - len(after)] or None
    return None


def fill_subjects(apps, schema_editor):
    ImportWarning = apps.get_model("contracts", "ImportWarning")
    Partner = apps.get_model("contracts", "Partner")
    Engagement = apps.get_model("contracts", "Engagement")
    pending = ImportWarning.objects.filter(
        partner__isnull=True,
        engagement__isnull=True,
        code__in=[UNKNOWN_ACRONYM, *ENGAGEMENT_WARNING_CODES],
    ).order_by("pk")
    last = 0
    while True:
        batch = list(pending.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        last = batch[-1].pk
        contracts = {w.contract_id for w in batch}
        partners = {
            (contract, code): pk
            for pk, contract, code in Partner.objects.filter(contract__in=contracts).values_list(
                "pk", "contract", "code"
            )
        }
        engagements = {}
        for pk, contract, line in (
            Engagement.objects.filter(contract__in=contracts, source_line__isnull=False)
            .order_by("number")
            .values_list("pk", "contract", "source_line")
        ):
            engagements[contract, line] = pk  # by number: the latest one wins
        changed = []
        for warning in batch:
            if warning.code == UNKNOWN_ACRONYM:
                code = partner_code(warning.message)
                warning.partner_id = partners.get((warning.contract_id, code))
            elif warning.line:
                warning.engagement_id = engagements.get((warning.contract_id, warning.line))
            if warning.partner_id or warning.engagement_id:
                changed.append(warning)
        ImportWarning.objects.bulk_update(changed, ["partner", "engagement"])


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0005_import_warning_subject"),
    ]

    # Backwards, 0005 drops the columns: nothing to undo here.
    operations = [migrations.RunPython(fill_subjects, migrations.RunPython.noop)]
