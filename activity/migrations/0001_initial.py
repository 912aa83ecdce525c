# The models come from consultations with their tables (db_table keeps the old
# names), so the database is left as it is: only the state is created here.
# Their content types follow, so permissions given on them are kept.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MODELS = ("activity", "moderationaction")


def _relabel(apps, schema_editor, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    types = content_type.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        if not types.filter(app_label=new, model=model).exists():
            types.filter(app_label=old, model=model).update(app_label=new)
    content_type.objects.clear_cache()


def move_content_types(apps, schema_editor):
    _relabel(apps, schema_editor, "consultations", "activity")


def move_content_types_back(apps, schema_editor):
    _relabel(apps, schema_editor, "activity", "consultations")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0003_api_tokens'),
        ('consultations', '0005_activity_moves_out'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('recommendations', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Activity',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('verb', models.CharField(db_index=True, max_length=40, verbose_name='what happened')),
                        ('target_id', models.PositiveBigIntegerField()),
                        ('data', models.JSONField(blank=True, default=dict)),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='activities', to=settings.AUTH_USER_MODEL)),
                        ('consultation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='activities', to='consultations.consultation')),
                        ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='activities', to='accounts.organisation')),
                        ('recommendation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='recommendations.recommendation')),
                        ('target_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype')),
                    ],
                    options={
                        'verbose_name': 'activity',
                        'verbose_name_plural': 'activities',
                        'db_table': 'consultations_activity',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['target_type', 'target_id'], name='consultatio_target__815ba4_idx'), models.Index(fields=['consultation', 'created_at'], name='consultations_activity_cons')],
                    },
                ),
                migrations.CreateModel(
                    name='ModerationAction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(db_index=True, max_length=40, verbose_name='action')),
                        ('target_id', models.PositiveBigIntegerField()),
                        ('target_label', models.CharField(max_length=300, verbose_name='target')),
                        ('reason', models.TextField(blank=True, verbose_name='reason')),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='when')),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='moderation_actions', to=settings.AUTH_USER_MODEL, verbose_name='moderator')),
                        ('consultation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='moderation_actions', to='consultations.consultation', verbose_name='consultation')),
                        ('target_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype')),
                    ],
                    options={
                        'verbose_name': 'moderation action',
                        'verbose_name_plural': 'moderation actions',
                        'db_table': 'consultations_moderationaction',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['target_type', 'target_id'], name='consultatio_target__57e298_idx')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
