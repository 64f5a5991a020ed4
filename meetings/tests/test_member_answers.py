"""A member's way to its answer: the home page's prompt, the meeting page's status and button,
and the mail's one-tap link (confirm in one tap, never on opening)."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.tests.factories import PersonFactory
from meetings import services
from meetings.models import Invitation, Meeting
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

S = Invitation.Status
BEIJING = ZoneInfo("Asia/Shanghai")


def future_meeting(days=30, **values):
    start = datetime.now(UTC) + timedelta(days=days)
    values.setdefault("rsvp_deadline", start - timedelta(days=5))
    return MeetingFactory(start=start, end=start + timedelta(hours=3), **values)


@pytest.fixture
def meeting():
    return future_meeting(title="第三次联席会议")


@pytest.fixture
def invitation_a(meeting, enterprise_a):
    return InvitationFactory(meeting=meeting, organisation=enterprise_a)


def section(page: str, marker: str) -> str:
    """The HTML of the element that opens with ``marker`` up to its closing tag."""
    start = page.index(marker)
    tag = re.match(r"<(\w+)", page[start:]).group(1)
    return page[start : page.index(f"</{tag}>", start)]


# --- The home page's prompt --------------------------------------------------------------------


def test_home_lists_each_invitation_waiting_for_the_members_answer(
    client_for, member_a, enterprise_a, enterprise_b, secretariat, invitation_a
):
    soon = future_meeting(days=10, title="签约仪式", rsvp_deadline=None, venue="吐鲁番宾馆")
    by_name = InvitationFactory(
        meeting=soon,
        organisation=None,
        person=PersonFactory(organisation=enterprise_a, name="刘翔", user=member_a),
    )
    answered = InvitationFactory(
        meeting=future_meeting(title="已回复的会议"), organisation=enterprise_a
    )
    services.record_rsvp(
        answered, status=S.DECLINED, actor=secretariat, channel=Invitation.Channel.PHONE
    )
    closed = future_meeting(
        title="截止已过的会议", rsvp_deadline=datetime.now(UTC) - timedelta(hours=1)
    )
    InvitationFactory(meeting=closed, organisation=enterprise_a)
    cancelled = future_meeting(title="已取消的会议", status=Meeting.Status.CANCELLED)
    InvitationFactory(meeting=cancelled, organisation=enterprise_a)
    InvitationFactory(meeting=future_meeting(title="乙企业的会议"), organisation=enterprise_b)

    page = client_for(member_a).get("/").content.decode()

    prompt = section(page, '<section id="pending-invitations"')
    links = re.findall(r'<a class="[^"]*answer-link[^"]*" href="([^"]+)"', prompt)
    # Soonest meeting first, each with its one-tap link to the answer page.
    assert links == [
        f"/meetings/invitations/{by_name.pk}/",
        f"/meetings/invitations/{invitation_a.pk}/",
    ]
    assert "签约仪式" in prompt and "第三次联席会议" in prompt and "吐鲁番宾馆" in prompt
    assert "刘翔" in prompt  # an invitation by name says whom it is for
    for title in ("已回复的会议", "截止已过的会议", "已取消的会议", "乙企业的会议"):
        assert title not in prompt
    # Beijing time and the deadline (the meeting's deadline, else its start).
    start = invitation_a.meeting.start.astimezone(BEIJING)
    deadline = invitation_a.meeting.rsvp_deadline.astimezone(BEIJING)
    assert start.strftime("%Y-%m-%d %H:%M") in prompt and "北京时间" in prompt
    assert f'回执截止 <time datetime="{deadline.isoformat()}">' in prompt
    assert deadline.strftime("%Y-%m-%d %H:%M") in prompt


def test_home_shows_no_prompt_without_pending_invitations(
    client_for, member_a, member_b, official, invitation_a
):
    for user in (member_b, official):
        assert 'id="pending-invitations"' not in client_for(user).get("/").content.decode()


def test_answering_removes_the_invitation_from_the_prompt(client_for, member_a, invitation_a):
    client = client_for(member_a)
    assert 'id="pending-invitations"' in client.get("/").content.decode()

    services.record_rsvp(
        invitation_a,
        status=S.TENTATIVE,
        actor=member_a,
        channel=Invitation.Channel.PAGE,
    )

    assert 'id="pending-invitations"' not in client.get("/").content.decode()


def home_queries(client) -> int:
    client.get("/")  # warm up (session, content types) outside the measure
    with CaptureQueriesContext(connection) as context:
        page = client.get("/").content.decode()
    return len(context.captured_queries), page.count("answer-link")


def test_home_prompt_query_count_constant(client_for, member_a, enterprise_a):
    client = client_for(member_a)
    person = PersonFactory(organisation=enterprise_a, user=member_a)

    def invite(count):
        for _n in range(count):
            InvitationFactory(meeting=future_meeting(), organisation=enterprise_a)
            InvitationFactory(meeting=future_meeting(), organisation=None, person=person)

    invite(1)
    small, small_links = home_queries(client)
    invite(6)
    large, large_links = home_queries(client)

    assert (small_links, large_links) == (2, 14)
    assert large == small


# --- The meeting page's status and button -------------------------------------------------------


def answer_button(page: str) -> str:
    return section(page, '<a class="button primary block answer-link" id="answer-invitation"')


def test_meeting_page_shows_the_members_status_and_the_answer_button(
    client_for, member_a, invitation_a
):
    client = client_for(member_a)
    url = f"/meetings/{invitation_a.meeting_id}/"

    page = client.get(url).content.decode()

    assert f'href="/meetings/invitations/{invitation_a.pk}/"' in answer_button(page)
    assert "填写回执" in answer_button(page)
    assert '<span class="badge answer-pending">待回复</span>' in page

    services.record_rsvp(
        invitation_a,
        status=S.ACCEPTED,
        attendees=[{"name": "张三"}],
        actor=member_a,
        channel=Invitation.Channel.PAGE,
    )
    page = client.get(url).content.decode()

    assert "修改回执" in answer_button(page)
    assert '<span class="badge answer-accepted">参加</span>' in page


def test_meeting_page_shows_the_waiting_list_and_closed_answers(
    client_for, member_a, secretariat, enterprise_a
):
    meeting = future_meeting(capacity=1)
    InvitationFactory(meeting=meeting)
    first = meeting.invitations.get()
    services.record_rsvp(
        first, status=S.ACCEPTED, attendees=[{"name": "甲"}], actor=secretariat, channel="phone"
    )
    waiting = InvitationFactory(meeting=meeting, organisation=enterprise_a)
    services.record_rsvp(
        waiting, status=S.ACCEPTED, attendees=[{"name": "乙"}], actor=member_a, channel="page"
    )

    page = client_for(member_a).get(f"/meetings/{meeting.pk}/").content.decode()
    assert '<span class="badge answer-waitlisted">候补</span>' in page

    Meeting.objects.filter(pk=meeting.pk).update(rsvp_deadline=datetime.now(UTC) - timedelta(1))
    page = client_for(member_a).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "查看回执" in answer_button(page)


def test_meeting_page_has_no_answer_button_for_those_not_invited(
    client_for, member_b, official, secretariat, invitation_a
):
    for user in (member_b, official, secretariat):
        page = client_for(user).get(f"/meetings/{invitation_a.meeting_id}/").content.decode()
        assert 'id="answer-invitation"' not in page
        assert f"/meetings/invitations/{invitation_a.pk}/" not in page
