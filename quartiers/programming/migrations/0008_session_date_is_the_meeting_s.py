# A session's date is its meeting's; every session has its meeting, every decision its
# entry of the register (0007 filled them).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("programming", "0007_sessions_to_meetings")]

    operations = [
        migrations.RemoveConstraint(
            model_name="committeesession",
            name="one_session_a_day",
        ),
        migrations.RemoveField(
            model_name="committeesession",
            name="held_on",
        ),
        migrations.AlterModelOptions(
            name="committeesession",
            options={
                "base_manager_name": "objects",
                "ordering": ["meeting__date", "pk"],
                "verbose_name": "séance de comité",
                "verbose_name_plural": "séances de comité",
            },
        ),
        migrations.AlterField(
            model_name="committeesession",
            name="meeting",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="committee_session",
                to="governance.meeting",
                verbose_name="réunion",
            ),
        ),
        migrations.AlterField(
            model_name="decision",
            name="register_entry",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="funding_decisions",
                to="governance.decision",
                verbose_name="décision du registre",
            ),
        ),
    ]
