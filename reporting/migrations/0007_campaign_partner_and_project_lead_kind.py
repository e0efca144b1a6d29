"""The partner dimension of the campaign indicators and project_lead_kind of td1.1.action_flow (catalogue sync)."""

from django.db import migrations


def sync(apps, schema_editor):
    from reporting.catalogue import sync_definitions

    sync_definitions(apps.get_model("reporting", "IndicatorDefinition"))


class Migration(migrations.Migration):
    dependencies = [("reporting", "0006_indicatorvalue_complementary")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
