"""Decisions (议定事项): numbering while drafting, status changes and follow-ups (audited),
overdue flags, deadline reminders, the next meeting's agenda, and the decision list's queries."""

from datetime import date, timedelta

import pytest
from django.core import mail as outbox
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from liaison.models import AuditEntry
from liaison.tests.factories import OrganisationFactory
from meetings import minutes as workflow
from meetings import services
from meetings.models import AgendaItem, Decision, MailDelivery
from meetings.tests.minutes_setup import decision, published

pytestmark = pytest.mark.django_db
D = Decision.Status
TODAY = date(2026, 3, 1)


def test_decisions_are_numbered_and_snapshotted(setting, minutes, secretariat, enterprise_a):
    first = decision(minutes, secretariat, units=[setting.party_a], deadline=date(2024, 12, 31))
    second = decision(
        minutes, secretariat, units=[setting.party_b, enterprise_a], text="筹建联谊会"
    )
    assert (first.number, second.number) == (1, 2)
    version = workflow.current_version(minutes)
    assert first.source_version == version
    assert [d["number"] for d in version.content["decisions"]] == [1, 2]
    assert version.content["decisions"][1]["units"] == ["吐鲁番市人民政府", "甲企业有限公司"]
    with pytest.raises(ValidationError):
        decision(minutes, secretariat, units=[])
    workflow.change_decision(first, actor=secretariat, text="改写", deadline=None)
    version.refresh_from_db()
    assert version.content["decisions"][0]["text"] == "改写"
    workflow.remove_decision(second, actor=secretariat)
    version.refresh_from_db()
    assert len(version.content["decisions"]) == 1


def test_only_the_secretariat_adds_decisions(setting, minutes, official):
    with pytest.raises(PermissionDenied):
        decision(minutes, official, units=[setting.party_a])


def test_status_transitions_and_refusals(setting, minutes, secretariat, official):
    item = decision(minutes, secretariat, units=[setting.party_a])
    workflow.change_decision_status(item, actor=secretariat, to=D.IN_PROGRESS)
    workflow.change_decision_status(item, actor=secretariat, to=D.DONE)
    with pytest.raises(ValidationError):
        workflow.change_decision_status(item, actor=secretariat, to=D.DROPPED)  # done → dropped
    workflow.change_decision_status(item, actor=secretariat, to=D.IN_PROGRESS)
    with pytest.raises(ValidationError):
        workflow.change_decision_status(item, actor=secretariat, to=D.DROPPED)  # no reason
    workflow.change_decision_status(item, actor=secretariat, to=D.DROPPED, reason="项目取消")
    item.refresh_from_db()
    assert (item.status, item.status_reason) == (D.DROPPED, "项目取消")
    with pytest.raises(PermissionDenied):
        workflow.change_decision_status(item, actor=official, to=D.OPEN)
    statuses = AuditEntry.objects.for_object(item).filter(action="update")
    assert statuses.count() == 4


def test_follow_ups_by_secretariat_and_responsible_units(
    setting, minutes, secretariat, member_a, member_b, enterprise_a
):
    item = decision(minutes, secretariat, units=[enterprise_a])
    workflow.add_follow_up(item, actor=secretariat, date=date(2024, 8, 1), text="已召开推进会")
    latest = workflow.add_follow_up(item, actor=member_a, date=date(2024, 9, 1), text="已签约")
    assert item.latest_follow_up == latest
    assert AuditEntry.objects.for_object(latest).exists()
    with pytest.raises(PermissionDenied):
        workflow.add_follow_up(item, actor=member_b, date=TODAY, text="冒充")


def test_overdue_flag(setting, minutes, secretariat):
    late = decision(minutes, secretariat, units=[setting.party_a], deadline=TODAY - timedelta(1))
    due = decision(minutes, secretariat, units=[setting.party_a], deadline=TODAY)
    done = decision(minutes, secretariat, units=[setting.party_a], deadline=TODAY - timedelta(9))
    workflow.change_decision_status(done, actor=secretariat, to=D.DONE)
    assert list(Decision.objects.overdue(TODAY)) == [late]
    assert late.is_overdue(TODAY) and not due.is_overdue(TODAY)
    done.refresh_from_db()
    assert not done.is_overdue(TODAY)


def test_reminders_before_the_deadline(
    setting, minutes, secretariat, enterprise_a, django_capture_on_commit_callbacks
):
    enterprise_a.email = "office@a.example.cn"
    enterprise_a.save()
    near = decision(
        minutes, secretariat, units=[setting.party_b, enterprise_a], deadline=TODAY + timedelta(3)
    )
    decision(minutes, secretariat, units=[setting.party_b], deadline=TODAY + timedelta(30))
    assert workflow.remind_decision_deadlines(today=TODAY) == 0  # minutes not published yet
    published(minutes, setting, secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        assert workflow.remind_decision_deadlines(today=TODAY) == 1
    assert sorted(m.to[0] for m in outbox.outbox) == [
        "liaison.b@example.cn",
        "office@a.example.cn",
    ]
    assert "推进签约项目落地" in outbox.outbox[0].body
    assert MailDelivery.objects.filter(kind="deadline", status="sent").count() == 2
    assert workflow.remind_decision_deadlines(today=TODAY) == 0  # not twice a day
    near.refresh_from_db()
    assert near.reminded_at


def test_reminder_command(setting, minutes, secretariat, capsys):
    call_command("send_decision_reminders", days=3)
    assert "0 decisions reminded." in capsys.readouterr().out


def test_open_decisions_open_the_next_meetings_agenda(setting, minutes, secretariat):
    open_item = decision(minutes, secretariat, units=[setting.party_a], text="推进项目落地")
    done = decision(minutes, secretariat, units=[setting.party_a], text="已完成事项")
    published(minutes, setting, secretariat)
    workflow.add_follow_up(open_item, actor=secretariat, date=date(2024, 9, 1), text="完成选址")
    workflow.change_decision_status(done, actor=secretariat, to=D.DONE)
    meeting = services.schedule_next_meeting(
        setting.meeting.mechanism, actor=secretariat, today=date(2025, 3, 1)
    )
    first = AgendaItem.objects.filter(meeting=meeting).order_by("position").first()
    assert first.title == "上次会议议定事项落实情况"
    assert "推进项目落地" in first.description and "完成选址" in first.description
    assert "已完成事项" not in first.description


def test_no_follow_up_item_without_open_decisions(setting, minutes, secretariat):
    meeting = services.schedule_next_meeting(
        setting.meeting.mechanism, actor=secretariat, today=date(2025, 3, 1)
    )
    assert not AgendaItem.objects.filter(meeting=meeting).exists()


# --- Pages and API ---------------------------------------------------------------------------


def test_decision_list_page_filters(setting, minutes, secretariat, client_for, enterprise_a):
    decision(minutes, secretariat, units=[enterprise_a], text="甲的事项", deadline=date(2020, 1, 1))
    decision(minutes, secretariat, units=[setting.party_b], text="乙的事项")
    client = client_for(secretariat)
    page = client.get(reverse("decision-list"), {"unit": enterprise_a.pk}).content.decode()
    assert "甲的事项" in page and "乙的事项" not in page
    page = client.get(reverse("decision-list"), {"overdue": "on"}).content.decode()
    assert "甲的事项" in page and "乙的事项" not in page


def test_decision_api_filters_and_status(setting, minutes, secretariat, api_for, official):
    item = decision(minutes, secretariat, units=[setting.party_a], deadline=date(2020, 1, 1))
    api = api_for(secretariat)
    rows = api.get("/api/v1/decisions/", {"overdue": "true"}).json()["results"]
    assert [row["id"] for row in rows] == [item.pk] and rows[0]["is_overdue"]
    response = api.post(f"/api/v1/decisions/{item.pk}/status/", {"status": "dropped"})
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    response = api.post(f"/api/v1/decisions/{item.pk}/status/", {"status": "done"})
    assert response.json()["status"] == "done"
    response = api.post(
        f"/api/v1/decisions/{item.pk}/follow-ups/", {"date": "2024-09-01", "text": "完成"}
    )
    assert response.status_code == 201
    assert api.get("/api/v1/follow-ups/").json()["results"][0]["text"] == "完成"
    # An official reads nothing of unpublished minutes and changes nothing.
    assert api_for(official).get("/api/v1/decisions/").json()["results"] == []


@pytest.mark.parametrize("url", [reverse("decision-list"), "/api/v1/decisions/"])
def test_decision_list_query_count_is_constant(
    url, setting, minutes, secretariat, client_for, api_for, pinned_queries
):
    client = api_for(secretariat) if url.startswith("/api/v1/") else client_for(secretariat)

    def make():
        item = decision(minutes, secretariat, units=[OrganisationFactory(), setting.party_a])
        workflow.add_follow_up(item, actor=secretariat, date=TODAY, text="进展")

    pinned_queries(client, url, make, queries={"/api/v1/decisions/": 6}.get(url, 8))
