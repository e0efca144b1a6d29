"""An index for the admin start page's "referrals waiting" list in the mediator's own region.

The list filters waiting referrals (`status = 'received'`) on the prefix of the person's
municipality NIS code (`person ->> 'municipality_nis' LIKE '1%'`): without this index
PostgreSQL reads every waiting referral (about 70,000 at S=1) for each start page.
`text_pattern_ops` lets the LIKE prefix use the index under any collation. PostgreSQL only:
SQLite (tests, demos) has neither the operator class nor the volume.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS referral_waiting_nis ON partners_referral "
    "((person ->> 'municipality_nis') text_pattern_ops) WHERE status = 'received'"
)
DROP = "DROP INDEX IF EXISTS referral_waiting_nis"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("partners", "0008_webhook_outbox_outlives_referral")]

    operations = [migrations.RunPython(create, drop)]
