"""The method texts of the td4.1 indicators say how stats.target sums the agreements' targets (catalogue sync)."""

from django.db import migrations


def sync(apps, schema_editor):
    from reporting.catalogue import sync_definitions

    sync_definitions(apps.get_model("reporting", "IndicatorDefinition"))


class Migration(migrations.Migration):
    dependencies = [("reporting", "0004_method_texts_say_target_group_only")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
