"""The method texts of td2.1, td3.2, td4.3 and td4.4 say they count the target group only (catalogue sync)."""

from django.db import migrations


def sync(apps, schema_editor):
    from reporting.catalogue import sync_definitions

    sync_definitions(apps.get_model("reporting", "IndicatorDefinition"))


class Migration(migrations.Migration):
    dependencies = [("reporting", "0003_indicatorrun_requeued_and_more")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
