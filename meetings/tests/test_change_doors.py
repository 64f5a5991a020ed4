"""Every door that changes a meeting's time, place or status (the meeting page, the API's
lifecycle actions, the ``change_meeting`` command) goes through one lifecycle service: the same
mails (counted, their calendar part parsed), the same history entry and the same SEQUENCE. The
doors that edit a meeting generically (API PATCH/PUT, the admin) refuse such changes and send
nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail as outbox
from django.core.management import call_command
from django.core.management.base import CommandError
from icalendar import Calendar

from liaison.models import AuditEntry
from liaison.tests.factories import OrganisationFactory
from meetings.models import Invitation, Meeting
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

S = Meeting.Status
START = datetime(2027, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
NEW_START = datetime(2027, 3, 9, 6, 0, tzinfo=UTC)  # 14:00 in Beijing

# Each kind of change, as the page's form, the API's body and the command's arguments.
CHANGES = {
    "reschedule": {
        "page": ("reschedule", {"start": "2027-03-09T14:00", "end": "2027-03-09T16:00",
                                "city": "长沙市", "venue": "湖南国际会展中心", "reason": "嘉宾行程"}),
        "api": ("reschedule", {"start": "2027-03-09T14:00:00+08:00",
                               "end": "2027-03-09T16:00:00+08:00", "city": "长沙市",
                               "venue": "湖南国际会展中心", "reason": "嘉宾行程"}),
        "command": ["reschedule", "--start", "2027-03-09T14:00", "--end", "2027-03-09T16:00",
                    "--city", "长沙市", "--venue", "湖南国际会展中心", "--reason", "嘉宾行程"],
    },
    "move place": {
        "page": ("reschedule", {"start": "2027-03-02T10:00", "end": "2027-03-02T12:00",
                                "city": "吐鲁番市", "venue": "吐鲁番市会议中心"}),
        "api": ("reschedule", {"start": "2027-03-02T10:00:00+08:00",
                               "end": "2027-03-02T12:00:00+08:00", "city": "吐鲁番市",
                               "venue": "吐鲁番市会议中心"}),
        "command": ["reschedule", "--city", "吐鲁番市", "--venue", "吐鲁番市会议中心"],
    },
    "postpone": {
        "page": ("postpone", {"postpone-reason": "与展会冲突"}),
        "api": ("postpone", {"reason": "与展会冲突"}),
        "command": ["postpone", "--reason", "与展会冲突"],
    },
    "cancel": {
        "page": ("cancel", {"cancel-reason": "台风"}),
        "api": ("cancel", {"reason": "台风"}),
        "command": ["cancel", "--reason", "台风"],
    },
}  # fmt: skip
DOORS = ("page", "api", "command")


def change_through(door, kind, meeting, secretariat, client_for, api_for, *, quiet=False):
    action = CHANGES[kind][door]
    if door == "page":
        url, data = action
        if quiet:
            prefix = {"cancel": "cancel-", "postpone": "postpone-"}.get(url, "")
            data = {**data, f"{prefix}do_not_notify": "on"}
        response = client_for(secretariat).post(f"/meetings/{meeting.pk}/{url}/", data)
        assert response.status_code == 302
    elif door == "api":
        url, data = action
        data = {**data, "notify": not quiet}
        response = api_for(secretariat).post(
            f"/api/v1/meetings/{meeting.pk}/{url}/", data, format="json"
        )
        assert response.status_code == 200, response.json()
    else:
        extra = ["--no-notify"] if quiet else []
        call_command("change_meeting", meeting.pk, *action, "--actor", "secretariat", *extra)


def setup_meeting():
    meeting = MeetingFactory(
        title="第三次联席会议",
        start=START,
        end=START + timedelta(hours=2),
        city="长沙市",
        venue="湖南省工商联会议室",
        rsvp_deadline=START - timedelta(days=5),
    )
    for name in ("pending", "accepted", "declined"):
        invitation = InvitationFactory(
            meeting=meeting, organisation=OrganisationFactory(email=f"{name}@example.cn")
        )
        if name != "pending":
            Invitation.objects.filter(pk=invitation.pk).update(
                status=name, answered_at=START - timedelta(days=20), answer_sequence=0
            )
    return meeting


def parsed_mails() -> list[dict]:
    found = []
    for message in outbox.outbox:
        ics = next(c for c, t in message.alternatives if t.startswith("text/calendar"))
        calendar = Calendar.from_ical(ics)
        event = calendar.walk("VEVENT")[0]
        found.append(
            {
                "to": message.to[0],
                "subject": message.subject,
                "method": str(calendar["METHOD"]),
                "sequence": int(event["SEQUENCE"]),
                "status": str(event["STATUS"]),
                "partstat": event["ATTENDEE"].params["PARTSTAT"],
            }
        )
    return sorted(found, key=lambda m: m["to"])


def history_entry(meeting) -> tuple:
    """The change's entry (its note and fields), and any note written with it."""
    entries = AuditEntry.objects.for_object(meeting).exclude(action=AuditEntry.Action.CREATE)
    change, *more = entries.order_by("pk")
    fields = sorted((c["field"], c["old"], c["new"]) for c in change.changes)
    return change.note, fields, [entry.note for entry in more]


def outcome(door, kind, secretariat, client_for, api_for, capture, *, quiet=False) -> dict:
    meeting = setup_meeting()
    outbox.outbox.clear()
    with capture(execute=True):
        change_through(door, kind, meeting, secretariat, client_for, api_for, quiet=quiet)
    stored = Meeting.objects.get(pk=meeting.pk)
    changed = {name: getattr(stored, name) for name in ("status", "start", "end", "venue", "city")}
    changed["changes"] = [row["changes"] for row in stored.mail_deliveries.values("changes")]
    answers = {}
    for status in stored.invitations.values_list("status", flat=True):
        answers[status] = answers.get(status, 0) + 1
    return {
        "answers": answers,
        "meeting": changed,
        "sequence": stored.sequence,
        "mails": parsed_mails(),
        "history": history_entry(stored),
    }


@pytest.mark.parametrize("kind", list(CHANGES))
def test_every_door_makes_the_same_change_with_the_same_mails(
    kind, secretariat, client_for, api_for, django_capture_on_commit_callbacks
):
    seen = {
        door: outcome(
            door, kind, secretariat, client_for, api_for, django_capture_on_commit_callbacks
        )
        for door in DOORS
    }

    page = seen["page"]
    assert page["sequence"] == 1
    # Everyone who has not declined is told once; a new time or place asks every earlier
    # answer again (declined ones too), NEEDS-ACTION in the calendar.
    moved = kind in ("reschedule", "move place")
    told = ["accepted", "declined", "pending"] if moved else ["accepted", "pending"]
    assert [m["to"] for m in page["mails"]] == [f"{name}@example.cn" for name in told]
    if moved:
        assert {m["partstat"] for m in page["mails"]} == {"NEEDS-ACTION"}
        assert page["answers"] == {"to_confirm": 2, "pending": 1}
        assert page["history"][2] == ["2 份答复需重新确认"]
        assert all(page["meeting"]["changes"])  # each mail says what changed
    else:
        assert page["answers"] == {"accepted": 1, "declined": 1, "pending": 1}
    expected_method = "CANCEL" if kind == "cancel" else "REQUEST"
    expected_status = {"cancel": "CANCELLED", "postpone": "TENTATIVE"}.get(kind, "CONFIRMED")
    for mail in page["mails"]:
        assert (mail["method"], mail["sequence"], mail["status"]) == (
            expected_method,
            1,
            expected_status,
        )
    assert page["history"][1]  # the fields that changed are recorded
    for door in ("api", "command"):
        assert seen[door] == page, door


@pytest.mark.parametrize("kind", list(CHANGES))
def test_do_not_notify_is_explicit_recorded_and_still_raises_sequence(
    kind, secretariat, client_for, api_for, django_capture_on_commit_callbacks
):
    seen = {
        door: outcome(
            door,
            kind,
            secretariat,
            client_for,
            api_for,
            django_capture_on_commit_callbacks,
            quiet=True,
        )
        for door in DOORS
    }
    page = seen["page"]
    assert page["mails"] == []
    assert page["sequence"] == 1
    assert page["history"][0].endswith("（未通知受邀方）")
    for door in ("api", "command"):
        assert seen[door] == page, door


# --- The generic doors refuse ------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"start": "2027-03-09T14:00:00+08:00", "end": "2027-03-09T16:00:00+08:00"},
        {"venue": "别处"},
        {"city": "吐鲁番市"},
        {"status": "cancelled"},
        {"status": "postponed"},
    ],
)
def test_api_patch_refuses_time_place_and_status_and_points_to_the_actions(
    body, api_for, secretariat, django_capture_on_commit_callbacks
):
    meeting = setup_meeting()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(secretariat).patch(
            f"/api/v1/meetings/{meeting.pk}/", body, format="json"
        )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == set(body)
    assert any(
        "/reschedule/" in message or "/cancel/" in message for message in errors[next(iter(errors))]
    )
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.status, stored.start, stored.venue, stored.sequence) == (
        S.SCHEDULED,
        START,
        "湖南省工商联会议室",
        0,
    )
    assert outbox.outbox == []


def test_api_schema_documents_the_rule(api_for, secretariat):
    schema = api_for(secretariat).get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/meetings/{id}/"]["patch"]
    assert "not edited here" in operation["description"]
    assert "/reschedule/" in operation["description"]


@pytest.mark.parametrize("status", [S.CANCELLED, S.POSTPONED])
def test_admin_shows_time_place_read_only_links_to_the_actions_and_refuses_a_cancel(
    status, client_for, secretariat, django_capture_on_commit_callbacks
):
    meeting = setup_meeting()
    client = client_for(secretariat)
    url = f"/admin/meetings/meeting/{meeting.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="start_0"' not in page and 'name="venue"' not in page
    assert f"/meetings/{meeting.pk}/#lifecycle" in page

    form = {
        "partnership": meeting.partnership_id,
        "title": meeting.title,
        "kind": meeting.kind,
        "start_0": "2027-05-01",
        "start_1": "09:00:00",
        "venue": "别处",
        "status": status,
        "description": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url, form)
    assert refused.status_code == 200  # the form again, with the error on the status
    assert "/cancel/" in refused.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(url, {**form, "status": S.SCHEDULED, "description": "议程已定"})
    assert saved.status_code == 302
    stored = Meeting.objects.get(pk=meeting.pk)
    # The description changed; the time and place posted anyway were ignored.
    assert (stored.description, stored.start, stored.venue, stored.sequence) == (
        "议程已定",
        START,
        "湖南省工商联会议室",
        0,
    )
    assert outbox.outbox == []


def test_command_refuses_a_bad_change_with_a_message(secretariat):
    meeting = setup_meeting()
    with pytest.raises(CommandError, match=r"原因|reason"):
        call_command("change_meeting", meeting.pk, "cancel", "--actor", "secretariat")
    assert Meeting.objects.get(pk=meeting.pk).status == S.SCHEDULED
