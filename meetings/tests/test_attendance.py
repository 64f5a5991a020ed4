"""Attendance: check-in by tap and by QR code, the attendance rate, the attendee list
(.xlsx) and who may do what."""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from liaison.models import AuditEntry
from liaison.tests.factories import OrganisationFactory
from meetings import attendance, services
from meetings.models import Attendee, Invitation, Meeting
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

A = Attendee.Attendance


@pytest.fixture
def meeting():
    return MeetingFactory(answer_fields=list(Meeting.AnswerField.values))


def accepted(meeting, secretariat, *names, organisation=None, **extra):
    invitation = InvitationFactory(
        meeting=meeting, organisation=organisation or OrganisationFactory()
    )
    services.record_rsvp(
        invitation,
        status=Invitation.Status.ACCEPTED,
        attendees=[{"name": name, **extra} for name in names],
        actor=secretariat,
        channel=Invitation.Channel.PHONE,
    )
    return invitation


@pytest.fixture
def invitation_a(meeting, secretariat, enterprise_a):
    return accepted(
        meeting,
        secretariat,
        "张三",
        "李四",
        organisation=enterprise_a,
        title="总经理",
        phone="13800000001",
        arrival_date=date(2026, 12, 9),
        arrival_transport="CZ6886",
        departure_date=date(2026, 12, 11),
        departure_transport="D2711",
        needs_accommodation=True,
        dietary="halal",
    )


def attendee(name):
    return Attendee.objects.get(name=name)


def test_expected_attendees_are_those_of_accepted_invitations(meeting, secretariat, invitation_a):
    declined = InvitationFactory(meeting=meeting)
    services.record_rsvp(
        declined, status="declined", actor=secretariat, channel=Invitation.Channel.PHONE
    )
    accepted(MeetingFactory(), secretariat, "别的会议")
    assert [a.name for a in attendance.expected_attendees(meeting)] == ["张三", "李四"]


def test_mark_attendance_is_audited_and_counted(meeting, secretariat, invitation_a):
    services.mark_attendance(attendee("张三"), attendance=A.PRESENT, actor=secretariat)
    services.mark_attendance(attendee("李四"), attendance=A.EXCUSED, actor=secretariat)
    counts = attendance.attendance_counts(meeting)
    assert (counts.expected, counts.present, counts.excused, counts.absent) == (2, 1, 1, 0)
    assert counts.rate == 0.5
    assert counts.percent == 50
    entry = AuditEntry.objects.for_object(attendee("张三")).get()
    assert entry.changes[0]["new_value"] == "present"


def test_rate_without_expected_attendees_is_none(meeting):
    assert attendance.attendance_counts(meeting).rate is None


@pytest.mark.parametrize("name", ["official", "member_a", "member_b"])
def test_only_the_secretariat_checks_in(meeting, invitation_a, persona, name):
    with pytest.raises(PermissionDenied):
        services.mark_attendance(attendee("张三"), attendance=A.PRESENT, actor=persona[name])
    assert attendee("张三").attendance == A.UNKNOWN


def test_check_in_page_marks_by_tap(client_for, meeting, secretariat, invitation_a):
    client = client_for(secretariat)
    url = f"/meetings/{meeting.pk}/check-in/"
    page = client.get(url, {"q": "张"}).content.decode()
    assert "张三" in page
    assert "李四" not in page
    response = client.post(url, {"attendee": attendee("李四").pk, "attendance": "absent"})
    assert response.status_code == 302
    assert attendee("李四").attendance == A.ABSENT


@pytest.mark.parametrize("name", ["official", "member_a"])
def test_check_in_page_refuses_others(client_for, meeting, invitation_a, persona, name):
    client = client_for(persona[name])
    url = f"/meetings/{meeting.pk}/check-in/"
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {"attendee": attendee("张三").pk, "attendance": "present"}).status_code
        == 403
    )
    assert attendee("张三").attendance == A.UNKNOWN


def test_confirmation_page_shows_a_qr_code_per_attendee(client_for, member_a, invitation_a):
    page = client_for(member_a).get(f"/meetings/invitations/{invitation_a.pk}/").content.decode()
    assert page.count('<svg role="img" class="qr"') == 2
    assert "<script" not in page


def test_qr_check_in_get_only_shows_and_post_marks_present(client_for, secretariat, invitation_a):
    code = attendee("张三").check_in_code
    client = client_for(secretariat)
    page = client.get(f"/meetings/check-in/{code}/")
    assert page.status_code == 200
    assert "张三" in page.content.decode()
    assert attendee("张三").attendance == A.UNKNOWN
    response = client.post(f"/meetings/check-in/{code}/")
    assert response.status_code == 302
    assert attendee("张三").attendance == A.PRESENT
    assert AuditEntry.objects.for_object(attendee("张三")).filter(actor=secretariat).exists()


def test_qr_check_in_unknown_code_is_404(client_for, secretariat, invitation_a):
    client = client_for(secretariat)
    assert client.get("/meetings/check-in/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.post("/meetings/check-in/not-a-code/").status_code == 404
    assert not Attendee.objects.filter(attendance=A.PRESENT).exists()


@pytest.mark.parametrize("name", ["official", "member_a"])
def test_qr_check_in_refuses_others(client_for, invitation_a, persona, name):
    code = attendee("张三").check_in_code
    assert client_for(persona[name]).post(f"/meetings/check-in/{code}/").status_code == 403
    assert attendee("张三").attendance == A.UNKNOWN


def test_meeting_page_and_api_show_the_rate(
    client_for, api_for, meeting, secretariat, invitation_a
):
    services.mark_attendance(attendee("张三"), attendance=A.PRESENT, actor=secretariat)
    assert "50%" in client_for(secretariat).get(f"/meetings/{meeting.pk}/").content.decode()
    data = api_for(secretariat).get(f"/api/v1/meetings/{meeting.pk}/attendance/").json()
    assert (data["expected"], data["present"], data["rate"]) == (2, 1, 0.5)


def test_api_check_in(api_for, meeting, secretariat, member_a, invitation_a):
    url = f"/api/v1/meetings/{meeting.pk}/check-in/"
    payload = {"attendee": attendee("李四").pk, "attendance": "excused"}
    assert api_for(member_a).post(url, payload).status_code == 403
    assert attendee("李四").attendance == A.UNKNOWN
    response = api_for(secretariat).post(url, payload)
    assert response.status_code == 200
    assert response.json()["excused"] == 1
    assert attendee("李四").attendance == A.EXCUSED


# --- The attendee list (.xlsx) ---------------------------------------------------------------


def read_back(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_attendee_list_xlsx(client_for, meeting, secretariat, invitation_a):
    services.mark_attendance(attendee("张三"), attendance=A.PRESENT, actor=secretariat)
    response = client_for(secretariat).get(f"/meetings/{meeting.pk}/attendees.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = read_back(response)
    assert rows[0] == [
        "序号",
        "单位",
        "姓名",
        "职务",
        "联系电话",
        "到达日期",
        "到达航班/车次",
        "返程日期",
        "返程航班/车次",
        "需要安排住宿",
        "饮食要求",
        "委派代表",
        "出席情况",
    ]
    first = rows[1]
    assert first[1:5] == ["甲企业有限公司", "张三", "总经理", "13800000001"]
    assert first[5].date() == date(2026, 12, 9)
    assert first[6] == "CZ6886"
    assert first[7].date() == date(2026, 12, 11)
    assert first[8] == "D2711"
    assert first[9] == "是"
    assert first[10] == "清真"
    assert first[12] == "出席"
    assert len(rows) == 3


def test_attendee_list_marks_the_delegate(client_for, meeting, secretariat):
    invitation = InvitationFactory(meeting=meeting)
    services.record_rsvp(
        invitation,
        status="accepted",
        delegate={"name": "刘翔", "title": "总经理"},
        actor=secretariat,
        channel=Invitation.Channel.PHONE,
    )
    rows = read_back(client_for(secretariat).get(f"/meetings/{meeting.pk}/attendees.xlsx"))
    assert rows[1][2] == "刘翔"
    assert rows[1][11] == "是"


def test_official_reads_the_list_member_does_not(
    client_for, meeting, official, member_a, invitation_a
):
    url = f"/meetings/{meeting.pk}/attendees.xlsx"
    assert client_for(official).get(url).status_code == 200
    assert client_for(member_a).get(url).status_code == 403


def test_invitations_page_has_the_download_button(client_for, meeting, secretariat):
    page = client_for(secretariat).get(f"/meetings/{meeting.pk}/invitations/").content.decode()
    assert f"/meetings/{meeting.pk}/attendees.xlsx" in page


# --- Query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["check-in/", "attendees.xlsx"])
def test_query_count_constant(client_for, meeting, secretariat, path, pinned_queries):
    pinned_queries(
        client_for(secretariat),
        f"/meetings/{meeting.pk}/{path}",
        lambda: accepted(meeting, secretariat, "甲", "乙"),
        queries={"check-in/": 6, "attendees.xlsx": 4}[path],
    )
