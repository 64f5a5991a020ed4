"""The demo minutes: 2024 published with decisions in every status, 2025 awaiting Turpan."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from meetings import minutes as workflow
from meetings.models import Decision, Minutes, MinutesVersion

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_demo_minutes_and_decisions_idempotent(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    output = demo.output
    assert "approver_hunan" in output and "approver_turpan" in output
    first = Minutes.objects.get(meeting__title="第一次联席会议")
    assert first.document_number == "〔2024〕1号"
    assert first.versions.get().status == MinutesVersion.Status.PUBLISHED
    assert set(first.decisions.values_list("status", flat=True)) == set(Decision.Status.values)
    assert first.decisions.get(status="dropped").status_reason
    # The closing date of the published minutes is the day they were published (签发), not
    # the day the demo was seeded.
    published = first.versions.get()
    assert workflow.document_for(published).published_on == date(2024, 6, 21)
    assert published.circulated_at < published.published_at
    second = Minutes.objects.get(meeting__title="第二次联席会议")
    version = second.versions.get()
    assert version.status == MinutesVersion.Status.CIRCULATED
    assert [a.approver.username for a in version.approvals.all()] == ["approver_hunan"]
    counts = (Minutes.objects.count(), Decision.objects.count(), MinutesVersion.objects.count())
    seed()
    assert (
        Minutes.objects.count(),
        Decision.objects.count(),
        MinutesVersion.objects.count(),
    ) == counts
