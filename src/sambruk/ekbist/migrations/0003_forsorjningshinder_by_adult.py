"""Försörjningshinder per adult (Socialstyrelsen registers one per sökande and medsökande).

The old single ``Application.forsorjningshinder`` becomes the sökande's code in
``forsorjningshinder_by_adult``; the medsökande gets none ("not recorded"), since nobody
recorded one. Reversible: going back keeps the sökande's code (the medsökande's is lost).
"""

from django.db import migrations, models

APPLICANT = "sokande"


def single_to_per_adult(apps, schema_editor):
    Application = apps.get_model("ekbist", "Application")
    for app in Application.objects.exclude(forsorjningshinder="").only("pk", "forsorjningshinder"):
        Application.objects.filter(pk=app.pk).update(
            forsorjningshinder_by_adult={APPLICANT: app.forsorjningshinder}
        )


def per_adult_to_single(apps, schema_editor):
    Application = apps.get_model("ekbist", "Application")
    for app in Application.objects.only("pk", "forsorjningshinder_by_adult"):
        code = (app.forsorjningshinder_by_adult or {}).get(APPLICANT) or ""
        if code:
            Application.objects.filter(pk=app.pk).update(forsorjningshinder=str(code)[:40])


class Migration(migrations.Migration):
    dependencies = [
        ("ekbist", "0002_application_multifraga_decision"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="forsorjningshinder_by_adult",
            field=models.JSONField(
                blank=True, default=dict, verbose_name="försörjningshinder per vuxen"
            ),
        ),
        migrations.RunPython(single_to_per_adult, per_adult_to_single),
        migrations.RemoveField(
            model_name="application",
            name="forsorjningshinder",
        ),
    ]
