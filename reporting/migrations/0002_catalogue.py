"""Load the indicator catalogue (reporting.catalogue) into IndicatorDefinition.

A later change to the catalogue adds a migration that calls the same sync.
"""

from django.db import migrations


def sync(apps, schema_editor):
    from reporting.catalogue import sync_definitions

    sync_definitions(apps.get_model("reporting", "IndicatorDefinition"))


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
