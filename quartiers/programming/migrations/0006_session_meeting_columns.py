# The programming's committee sessions become meetings (docs/architecture.md, Governance),
# in three steps, each its own transaction (PostgreSQL alters no table with pending
# constraint checks): 0006 adds the new columns, 0007 moves the data, 0008 drops the date.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0005_register_of_decisions"),
        ("programming", "0005_committee_agenda"),
    ]

    operations = [
        migrations.AddField(
            model_name="committeesession",
            name="meeting",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="committee_session",
                to="governance.meeting",
                verbose_name="réunion",
            ),
        ),
        migrations.AddField(
            model_name="decision",
            name="register_entry",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="funding_decisions",
                to="governance.decision",
                verbose_name="décision du registre",
            ),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="register_entry",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="governance.decision",
                verbose_name="décision du registre",
            ),
        ),
        migrations.AlterField(
            model_name="committeesession",
            name="held_on",
            field=models.DateField(null=True, verbose_name="date"),
        ),
    ]
