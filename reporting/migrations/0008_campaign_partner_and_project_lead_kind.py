"""The partner dimension of the campaign indicators and project_lead_kind of td1.1.action_flow (catalogue sync)."""

from django.db import migrations


def sync(apps, schema_editor):
    from reporting.catalogue import sync_definitions

    sync_definitions(apps.get_model("reporting", "IndicatorDefinition"))


class Migration(migrations.Migration):
    dependencies = [("reporting", "0007_value_index_by_run_and_indicator")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
