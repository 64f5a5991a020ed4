# GeneratedReport, moved here from liaison with its table (liaison_generatedreport) and rows:
# the model enters this app's state only, and its content type moves with it, so the audit
# entries and permissions that point at it keep pointing at it.

import django.db.models.deletion
import django.utils.timezone
import liaison.uploads
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label='reports', model='generatedreport').exists():
        ContentType.objects.using(db).filter(app_label='liaison', model='generatedreport').update(
            app_label='reports'
        )


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label='liaison', model='generatedreport').exists():
        ContentType.objects.using(db).filter(app_label='reports', model='generatedreport').update(
            app_label='liaison'
        )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('liaison', '0007_generated_report_to_reports'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='GeneratedReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('ledger', 'agreements ledger'), ('annual', 'annual work report'), ('follow_up', 'decision follow-up report'), ('event', 'event report')], max_length=16, verbose_name='report')),
                        ('parameters', models.JSONField(blank=True, default=dict, verbose_name='parameters')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('language', models.CharField(default='zh-hans', max_length=16, verbose_name='language')),
                        ('requested_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='requested at')),
                        ('status', models.CharField(choices=[('queued', 'queued'), ('running', 'being generated'), ('done', 'ready'), ('failed', 'failed')], default='queued', max_length=16, verbose_name='status')),
                        ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='progress (%)')),
                        ('step', models.CharField(blank=True, max_length=100, verbose_name='step')),
                        ('data_as_of', models.DateTimeField(blank=True, null=True, verbose_name='data as of')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                        ('error', models.CharField(blank=True, max_length=300, verbose_name='error')),
                        ('pdf', models.FileField(blank=True, max_length=200, storage=liaison.uploads.private_storage, upload_to=liaison.uploads.private_upload_to, verbose_name='PDF')),
                        ('xlsx', models.FileField(blank=True, max_length=200, storage=liaison.uploads.private_storage, upload_to=liaison.uploads.private_upload_to, verbose_name='Excel workbook')),
                        ('requested_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                    ],
                    options={
                        'db_table': 'liaison_generatedreport',
                        'verbose_name': 'generated report',
                        'verbose_name_plural': 'generated reports',
                        'ordering': ['-requested_at', '-pk'],
                        'indexes': [models.Index(fields=['kind', 'status'], name='report_kind_status')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('progress__lte', 100)), name='report_progress_at_most_100'), models.UniqueConstraint(condition=models.Q(('status__in', ['queued', 'running'])), fields=('kind', 'parameters'), name='report_one_pending_per_request')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
