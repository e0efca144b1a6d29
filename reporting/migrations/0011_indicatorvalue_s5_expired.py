"""A fifth statistics slot (`s5`) for td4.1.referrals_received's stats.expired; its method text says so (catalogue sync)."""

from django.db import migrations, models


def sync(apps, schema_editor):
    from reporting.catalogue import sync_definitions

    sync_definitions(apps.get_model("reporting", "IndicatorDefinition"))


class Migration(migrations.Migration):
    dependencies = [("reporting", "0010_durable_work_indicators")]

    operations = [
        migrations.AddField(model_name="indicatorvalue", name="s5", field=models.BigIntegerField(null=True)),
        migrations.RunPython(sync, migrations.RunPython.noop),
    ]
