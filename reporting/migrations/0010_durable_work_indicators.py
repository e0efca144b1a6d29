"""sd1.durable_work, sd1.reentry, sd1.barriers and td4.2.school_leavers in the catalogue (catalogue sync)."""

from django.db import migrations


def sync(apps, schema_editor):
    from reporting.catalogue import sync_definitions

    sync_definitions(apps.get_model("reporting", "IndicatorDefinition"))


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0009_register_coverage"),
        ("trajectories", "0004_barriers_and_prior_education"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
