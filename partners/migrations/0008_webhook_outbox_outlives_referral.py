"""The outbox names its referral by a plain id (no foreign key): a person's
erasure deletes the referral, and the `referral.person_erased` event and the
deliveries before it must stay to be delivered.

The columns keep their names, types and indexes; only the foreign-key
constraints go (the state swaps the ForeignKey for a UUIDField)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("partners", "0007_referral_legal_basis")]

    operations = [
        # Database: drop the constraints (ON DELETE CASCADE is Django's, the constraint the database's).
        migrations.AlterField(
            model_name="webhookevent",
            name="referral",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="webhook_events",
                to="partners.referral",
            ),
        ),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="referral",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="partners.referral",
            ),
        ),
        # State: the same columns as plain UUID fields.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="webhookdelivery", name="partners_we_referra_d6b84d_idx"),
                migrations.RemoveField(model_name="webhookevent", name="referral"),
                migrations.AddField(
                    model_name="webhookevent",
                    name="referral_id",
                    field=models.UUIDField(db_index=True, default=None, verbose_name="referral"),
                    preserve_default=False,
                ),
                migrations.RemoveField(model_name="webhookdelivery", name="referral"),
                migrations.AddField(
                    model_name="webhookdelivery",
                    name="referral_id",
                    field=models.UUIDField(default=None, verbose_name="referral"),
                    preserve_default=False,
                ),
                migrations.AddIndex(
                    model_name="webhookdelivery",
                    index=models.Index(
                        fields=["referral_id", "webhook", "status", "id"], name="partners_we_referra_d6b84d_idx"
                    ),
                ),
            ]
        ),
    ]
