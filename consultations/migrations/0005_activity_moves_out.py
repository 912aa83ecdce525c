# Activity and ModerationAction move to the activity app. Their tables stay
# where they are (consultations_activity, consultations_moderationaction): only
# the migration state changes here, and activity.0001 takes them over.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('consultations', '0004_thread_replies_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='moderationaction',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='moderationaction',
                    name='consultation',
                ),
                migrations.RemoveField(
                    model_name='moderationaction',
                    name='target_type',
                ),
                migrations.DeleteModel(
                    name='Activity',
                ),
                migrations.DeleteModel(
                    name='ModerationAction',
                ),
            ],
        ),
    ]
