"""The indicator sd2.register_coverage (question 2: how far status monitoring is automatic; catalogue sync)."""

from django.db import migrations


def sync(apps, schema_editor):
    from reporting.catalogue import sync_definitions

    sync_definitions(apps.get_model("reporting", "IndicatorDefinition"))


class Migration(migrations.Migration):
    dependencies = [("reporting", "0008_campaign_partner_and_project_lead_kind")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
