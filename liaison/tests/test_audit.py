"""The audit trail written by the services, and the meeting services' rules."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from liaison import audit, services
from liaison.models import AuditEntry, Organisation, Person
from liaison.tests.factories import OrganisationFactory, PersonFactory, RegionFactory
from meetings import services as meeting_services
from meetings.models import Meeting
from meetings.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

Status = Meeting.Status


def test_save_object_create_writes_one_create_entry(secretariat):
    organisation = Organisation(name="湘疆果业有限公司", kind=Organisation.Kind.ENTERPRISE)

    entry = services.save_object(organisation, actor=secretariat, note="登记")

    assert Organisation.objects.filter(name="湘疆果业有限公司").exists()
    assert list(AuditEntry.objects.all()) == [entry]
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.actor == secretariat
    assert entry.object_id == str(organisation.pk)
    assert entry.object_repr == "湘疆果业有限公司"
    assert entry.note == "登记"
    changed = {change["field"]: change for change in entry.changes}
    assert changed["name"]["new"] == "湘疆果业有限公司"
    assert changed["name"]["old"] == ""
    assert "created_at" not in changed and "updated_at" not in changed


def test_save_object_update_records_labels_display_values_and_actor(secretariat):
    old_region, new_region = RegionFactory(name="湖南省"), RegionFactory(name="新疆维吾尔自治区")
    organisation = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE, region=old_region)

    organisation.region = new_region
    organisation.kind = Organisation.Kind.PARK
    entry = services.save_object(organisation, actor=secretariat)

    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.actor == secretariat
    region_field = Organisation._meta.get_field("region")
    kind_field = Organisation._meta.get_field("kind")
    assert sorted(entry.changes, key=lambda c: c["field"]) == [
        {
            "field": "kind",
            "label": str(kind_field.verbose_name),
            "old": str(Organisation.Kind.ENTERPRISE.label),
            "new": str(Organisation.Kind.PARK.label),
            "old_value": "enterprise",
            "new_value": "park",
        },
        {
            "field": "region",
            "label": str(region_field.verbose_name),
            "old": "湖南省",
            "new": "新疆维吾尔自治区",
            "old_value": old_region.pk,
            "new_value": new_region.pk,
        },
    ]
    assert list(audit.history(organisation)) == [entry]


def test_save_object_update_history_survives_rename_of_related(secretariat):
    region = RegionFactory(name="吐鲁番地区")
    organisation = OrganisationFactory(region=None)
    organisation.region = region
    services.save_object(organisation, actor=secretariat)

    region.name = "吐鲁番市"
    region.save()

    entry = AuditEntry.objects.get()
    assert entry.changes[0]["new"] == "吐鲁番地区"


def test_save_object_without_change_writes_nothing(secretariat):
    organisation = OrganisationFactory()
    organisation.refresh_from_db()

    assert services.save_object(organisation, actor=secretariat) is None

    assert not AuditEntry.objects.exists()


def test_save_object_invalid_changes_nothing(secretariat):
    organisation = OrganisationFactory(phone="0995-1234567")
    organisation.phone = "abc"

    with pytest.raises(ValidationError) as caught:
        services.save_object(organisation, actor=secretariat)

    assert "phone" in caught.value.message_dict
    organisation.refresh_from_db()
    assert organisation.phone == "0995-1234567"
    assert not AuditEntry.objects.exists()


def test_save_object_anonymous_actor_recorded_as_none(secretariat):
    entry = services.save_object(
        Organisation(name="系统导入企业", kind="enterprise"), actor=AnonymousUser()
    )

    assert entry.actor is None


def test_update_audited_saves_only_the_given_fields_and_records_them(secretariat):
    organisation = OrganisationFactory(name="旧名称企业")
    organisation.kind = Organisation.Kind.ASSOCIATION  # changed in memory, not given

    entry = audit.update_audited(
        organisation, {"name": "新名称企业"}, actor=secretariat, note="更名"
    )

    stored = Organisation.objects.get(pk=organisation.pk)
    assert stored.name == "新名称企业"
    assert stored.kind != Organisation.Kind.ASSOCIATION
    assert (entry.action, entry.actor, entry.note) == (
        AuditEntry.Action.UPDATE,
        secretariat,
        "更名",
    )
    assert [(c["field"], c["old"], c["new"]) for c in entry.changes] == [
        ("name", "旧名称企业", "新名称企业")
    ]


@pytest.mark.parametrize("key", ["organisation", "organisation_id"])
def test_update_audited_records_a_relation_given_by_name_or_column(secretariat, key):
    person = PersonFactory(name="赵联络员", organisation__name="原单位企业")
    other = OrganisationFactory(name="新单位企业")
    value = other if key == "organisation" else other.pk

    entry = audit.update_audited(person, {key: value}, actor=secretariat)

    assert [(c["field"], c["old"], c["new"], c["new_value"]) for c in entry.changes] == [
        ("organisation", "原单位企业", "新单位企业", other.pk)
    ]


def test_delete_object_records_delete_with_old_values(secretariat):
    organisation = OrganisationFactory(name="待删除企业")
    pk = organisation.pk

    services.delete_object(organisation, actor=secretariat, note="重复登记")

    assert not Organisation.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.object_id, entry.object_repr, entry.note) == (
        AuditEntry.Action.DELETE,
        secretariat,
        str(pk),
        "待删除企业",
        "重复登记",
    )
    names = [c for c in entry.changes if c["field"] == "name"]
    assert names[0]["old"] == "待删除企业" and names[0]["new"] == ""


def test_delete_object_still_referenced_refused_and_nothing_written(secretariat):
    person = PersonFactory(name="王经理")
    organisation = person.organisation

    with pytest.raises(ValidationError) as caught:
        services.delete_object(organisation, actor=secretariat)

    assert str(organisation) in caught.value.messages[0]
    assert str(Person._meta.verbose_name) in caught.value.messages[0]
    assert Organisation.objects.filter(pk=organisation.pk).exists()
    assert Person.objects.filter(pk=person.pk).exists()
    assert not AuditEntry.objects.exists()


# --- meetings.services -----------------------------------------------------------------------


@pytest.fixture
def meeting():
    return MeetingFactory(status=Status.SCHEDULED, description="议程待定")


def test_save_meeting_new_meeting_created_with_sequence_zero(secretariat):
    meeting = MeetingFactory.build(partnership=MeetingFactory().partnership)

    entry = meeting_services.save_meeting(meeting, actor=secretariat)

    meeting.refresh_from_db()
    assert meeting.sequence == 0
    assert entry.action == AuditEntry.Action.CREATE


def test_save_meeting_start_change_raises_sequence(secretariat, meeting):
    meeting.start += timedelta(days=1)
    meeting.end += timedelta(days=1)

    entry = meeting_services.save_meeting(meeting, actor=secretariat)

    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert {c["field"] for c in entry.changes} == {"start", "end", "sequence"}


def test_save_meeting_start_change_shown_in_beijing_time(secretariat, meeting):
    meeting.start = datetime(2026, 12, 11, 1, 0, tzinfo=UTC)
    meeting.end = datetime(2026, 12, 11, 4, 0, tzinfo=UTC)

    entry = meeting_services.save_meeting(meeting, actor=secretariat)

    start = next(c for c in entry.changes if c["field"] == "start")
    assert (start["old"], start["new"]) == ("2026-12-10 09:00", "2026-12-11 09:00")


@pytest.mark.parametrize(
    ("field", "value"),
    [("venue", "湖南省工商联大楼"), ("city", "长沙市"), ("title", "第二次联席会议")],
)
def test_save_meeting_place_or_title_change_raises_sequence(secretariat, meeting, field, value):
    setattr(meeting, field, value)

    meeting_services.save_meeting(meeting, actor=secretariat)

    meeting.refresh_from_db()
    assert meeting.sequence == 1


def test_save_meeting_description_change_keeps_sequence(secretariat, meeting):
    meeting.description = "议程：交流合作平台建设"

    entry = meeting_services.save_meeting(meeting, actor=secretariat)

    meeting.refresh_from_db()
    assert meeting.description == "议程：交流合作平台建设"
    assert meeting.sequence == 0
    assert [c["field"] for c in entry.changes] == ["description"]


def test_save_meeting_same_instant_in_beijing_time_is_no_change(secretariat, meeting):
    """A form or the API gives the unchanged start in Beijing time; that is not a change."""
    beijing = ZoneInfo("Asia/Shanghai")
    meeting.start = meeting.start.astimezone(beijing)
    meeting.end = meeting.end.astimezone(beijing)
    meeting.description = "议程：交流合作平台建设"

    entry = meeting_services.save_meeting(meeting, actor=secretariat)

    meeting.refresh_from_db()
    assert meeting.sequence == 0
    assert [c["field"] for c in entry.changes] == ["description"]


def test_save_meeting_every_change_raises_sequence_again(secretariat, meeting):
    for city in ("长沙市", "吐鲁番市", "乌鲁木齐市"):
        meeting.city = city
        meeting_services.save_meeting(meeting, actor=secretariat)

    meeting.refresh_from_db()
    assert meeting.sequence == 3
    assert AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).count() == 3


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (old, new)
        for old, allowed in meeting_services.ALLOWED_TRANSITIONS.items()
        for new in Status.values
        if new != old and new not in allowed
    ],
)
def test_change_meeting_status_disallowed_transition_refused(secretariat, old, new):
    meeting = MeetingFactory(status=old)

    with pytest.raises(ValidationError) as caught:
        meeting_services.change_meeting_status(meeting, to=new, actor=secretariat)

    assert list(caught.value.message_dict) == ["status"]
    meeting.refresh_from_db()
    assert meeting.status == old
    assert meeting.sequence == 0
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (old, new)
        for old, allowed in meeting_services.ALLOWED_TRANSITIONS.items()
        for new in sorted(allowed)  # the same order in every process (parallel runs)
    ],
)
def test_change_meeting_status_allowed_transition_saved_and_audited(secretariat, old, new):
    meeting = MeetingFactory(status=old)

    entry = meeting_services.change_meeting_status(
        meeting, to=new, actor=secretariat, reason="按计划"
    )

    meeting.refresh_from_db()
    assert meeting.status == new
    assert meeting.sequence == 1
    assert (entry.actor, entry.note) == (secretariat, "按计划")
    status_change = next(c for c in entry.changes if c["field"] == "status")
    assert (status_change["old_value"], status_change["new_value"]) == (old, new)
    assert status_change["new"] == str(Status(new).label)


def test_change_meeting_status_held_to_scheduled_refused(secretariat):
    meeting = MeetingFactory(status=Status.HELD)

    with pytest.raises(ValidationError):
        meeting_services.change_meeting_status(meeting, to=Status.SCHEDULED, actor=secretariat)

    assert Meeting.objects.get(pk=meeting.pk).status == Status.HELD


def test_change_meeting_status_cancelled_to_held_refused(secretariat):
    meeting = MeetingFactory(status=Status.CANCELLED)

    with pytest.raises(ValidationError):
        meeting_services.change_meeting_status(meeting, to=Status.HELD, actor=secretariat)

    assert Meeting.objects.get(pk=meeting.pk).status == Status.CANCELLED


def test_save_meeting_ending_before_start_refused(secretariat, meeting):
    meeting.end = meeting.start - timedelta(hours=1)

    with pytest.raises(ValidationError) as caught:
        meeting_services.save_meeting(meeting, actor=secretariat)

    assert "end" in caught.value.message_dict
    assert Meeting.objects.get(pk=meeting.pk).end > Meeting.objects.get(pk=meeting.pk).start


def test_save_meeting_stores_utc_instant(secretariat):
    meeting = MeetingFactory(start=datetime(2026, 6, 15, 1, 0, tzinfo=UTC))

    meeting.refresh_from_db()

    assert meeting.start == datetime(2026, 6, 15, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
