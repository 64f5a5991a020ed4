"""GeneratedReport moved from liaison to this app without touching its table: an existing
database keeps its reports and their content type (so their audit entries and permissions),
and the model keeps its words."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation

from reports.models import GeneratedReport

BEFORE_THE_MOVE = [("liaison", "0006_remove_login_throttle"), ("reports", None)]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.migrate(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_the_table_keeps_its_name():
    assert GeneratedReport._meta.db_table == "liaison_generatedreport"
    assert GeneratedReport._meta.app_label == "reports"


@pytest.mark.django_db(transaction=True)
def test_a_report_kept_before_the_move_is_found_after_it():
    content_type = ContentType.objects.get_for_model(GeneratedReport)
    try:
        old_apps = migrate(BEFORE_THE_MOVE)
        OldReport = old_apps.get_model("liaison", "GeneratedReport")
        OldContentType = old_apps.get_model("contenttypes", "ContentType")
        kept = OldReport.objects.create(
            kind="ledger", title="签约项目台账", status="done", requested_at=timezone.now()
        )
        old_type = OldContentType.objects.get(app_label="liaison", model="generatedreport")
        assert old_type.pk == content_type.pk

        new_apps = migrate(latest())
    finally:
        migrate(latest())

    report = new_apps.get_model("reports", "GeneratedReport").objects.get()
    assert (report.pk, report.title, report.status) == (kept.pk, "签约项目台账", "done")
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(GeneratedReport).pk == content_type.pk
    assert not ContentType.objects.filter(app_label="liaison", model="generatedreport").exists()


def test_its_title_is_a_title_not_a_position():
    with translation.override("zh-hans"):
        assert str(GeneratedReport._meta.get_field("title").verbose_name) == "标题"
