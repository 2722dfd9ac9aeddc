"""Questionnaires: ``send_questionnaire`` now means "still waiting for a questionnaire"
(cleared when one is sent, set again by an "ask again" answer); a partial index on
``sent_at`` over the waiting reports serves the periodic due query."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q


def clear_asked(apps, schema_editor):
    Report = apps.get_model("fixamingata", "Report")
    Questionnaire = apps.get_model("fixamingata", "Questionnaire")
    pending = Questionnaire.objects.filter(report_id=OuterRef("pk")).filter(
        Q(answered_at__isnull=True) | Q(ask_again=False)
    )
    Report.objects.filter(send_questionnaire=True).filter(Exists(pending)).update(
        send_questionnaire=False
    )


class Migration(migrations.Migration):
    dependencies = [
        ("fixamingata", "0005_responsetemplate_category"),
    ]

    operations = [
        migrations.RunPython(clear_asked, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                condition=models.Q(("send_questionnaire", True)),
                fields=["sent_at"],
                name="fmg_report_questionnaire_idx",
            ),
        ),
    ]
