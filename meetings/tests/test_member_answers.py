"""A member's way to its answer: the home page's prompt, the meeting page's status and button,
and the mail's one-tap link (confirm in one tap, never on opening)."""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from liaison import audit
from liaison.tests.factories import PersonFactory
from meetings import links, services
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


def test_home_prompt_query_count_constant(client_for, member_a, enterprise_a, pinned_queries):
    person = PersonFactory(organisation=enterprise_a, user=member_a)

    def invite():
        InvitationFactory(meeting=future_meeting(), organisation=enterprise_a)
        InvitationFactory(meeting=future_meeting(), organisation=None, person=person)

    small, large = pinned_queries(client_for(member_a), "/", invite, queries=8, small=1, large=7)

    links = [page.content.decode().count("answer-link") for page in (small, large)]
    assert links == [2, 14]


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


# --- The mail's one-tap links: confirm in one tap, never on opening -----------------------------


def quick_form(page: str) -> str:
    return section(page, '<form id="quick-answer" method="post"')


def answer_fully(invitation, actor=None):
    """A full answer as the page sends it: two attendees with travel details, a delegate, a note."""
    return services.record_rsvp(
        invitation,
        status=S.ACCEPTED,
        attendees=[
            {
                "name": "张三",
                "title": "总经理",
                "phone": "13900000001",
                "arrival_date": date(2026, 12, 9),
                "arrival_transport": "CZ6886",
                "needs_accommodation": True,
            },
            {"name": "李四", "departure_date": date(2026, 12, 11)},
        ],
        delegate={"name": "王五", "title": "副总经理", "phone": "13800000000"},
        note="晚到半小时",
        actor=actor,
        channel=Invitation.Channel.LINK,
    ).invitation


def attendee_rows(invitation):
    return list(
        invitation.attendees.order_by("position").values_list(
            "name",
            "title",
            "phone",
            "arrival_date",
            "arrival_transport",
            "departure_date",
            "needs_accommodation",
            "check_in_code",
        )
    )


def test_opening_the_link_records_nothing_and_offers_one_tap(client, invitation_a):
    PersonFactory(organisation=invitation_a.organisation, name="王联络", is_liaison=True)

    for answer in ("accepted", "declined", "tentative"):
        response = client.get(links.rsvp_url(invitation_a, answer))
        box = quick_form(response.content.decode())
        label = {"accepted": "参加", "declined": "不参加", "tentative": "待定"}[answer]
        assert f"确认回复：{label}" in box
        assert (
            f'<button id="confirm-answer" type="submit" name="quick_answer" value="{answer}"' in box
        )
        assert 'name="csrfmiddlewaretoken"' in box
    assert "王联络" in quick_form(
        client.get(links.rsvp_url(invitation_a, "accepted")).content.decode()
    )

    invitation_a.refresh_from_db()
    assert (invitation_a.status, invitation_a.answered_at) == (S.PENDING, None)
    assert not invitation_a.attendees.exists()
    assert audit.history(invitation_a).count() == 0


def test_one_tap_changes_only_the_answer(client, invitation_a):
    answered = answer_fully(invitation_a)
    before = attendee_rows(answered)
    url = links.rsvp_url(invitation_a, "tentative")

    response = client.post(url, {"quick_answer": "tentative"})

    assert response.status_code == 302
    # Back to the invitation's own answer page (its token signed again, maybe a second later).
    path, query = response["Location"].split("?")
    assert query == "recorded=1"
    assert path.rsplit("/", 2)[0] == links.rsvp_url(invitation_a).rsplit("/", 2)[0]
    assert links.read_token(path.rsplit("/", 2)[1]) == invitation_a
    invitation_a.refresh_from_db()
    assert (invitation_a.status, invitation_a.answered_via) == (S.TENTATIVE, "link")
    assert attendee_rows(invitation_a) == before
    assert (invitation_a.delegate_name, invitation_a.delegate_title) == ("王五", "副总经理")
    assert (invitation_a.delegate_phone, invitation_a.note) == ("13800000000", "晚到半小时")
    # Through the answer service: audited with its channel, by nobody signed in.
    entry = audit.history(invitation_a).first()
    assert entry.actor is None and "邀请函链接" in entry.note
    assert {c["field"] for c in entry.changes} >= {"status"}

    page = client.get(response["Location"]).content.decode()
    recorded = section(page, '<section id="answer-recorded"')
    assert "回执已记录" in recorded and "answer-tentative" in recorded
    assert "张三（总经理）、李四" in recorded and "王五（副总经理）" in recorded
    assert 'id="quick-answer"' not in page


def test_one_tap_accept_names_the_liaison_person_when_nobody_is_named(client, invitation_a):
    PersonFactory(
        organisation=invitation_a.organisation,
        name="王联络",
        title="办公室主任",
        phone="13700000000",
        is_liaison=True,
    )

    client.post(links.rsvp_url(invitation_a, "accepted"), {"quick_answer": "accepted"})

    invitation_a.refresh_from_db()
    assert invitation_a.status == S.ACCEPTED
    assert list(invitation_a.attendees.values_list("name", "title", "phone")) == [
        ("王联络", "办公室主任", "13700000000")
    ]


def test_one_tap_accept_of_a_person_names_that_person(client, meeting):
    person = PersonFactory(name="刘翔", title="总经理")
    invitation = InvitationFactory(meeting=meeting, organisation=None, person=person)

    client.post(links.rsvp_url(invitation, "accepted"), {"quick_answer": "accepted"})

    assert list(invitation.attendees.values_list("name", flat=True)) == ["刘翔"]


def test_one_tap_accept_without_anyone_to_name_falls_back_to_the_form(client, invitation_a):
    url = links.rsvp_url(invitation_a, "accepted")

    page = client.get(url).content.decode()
    assert 'id="quick-answer"' not in page
    assert "请在下方完整回执表中填写至少一名参会人" in section(
        page, '<section id="quick-answer-fallback"'
    )
    assert re.search(r'value="accepted"[^>]* checked', page)  # the full form, preset

    response = client.post(url, {"quick_answer": "accepted"})
    assert response.status_code == 200
    assert "请至少填写一名参会人" in section(
        response.content.decode(), '<section id="quick-answer-fallback"'
    )
    invitation_a.refresh_from_db()
    assert invitation_a.status == S.PENDING and audit.history(invitation_a).count() == 0


def test_one_tap_decline_removes_the_attendees(client, invitation_a):
    answer_fully(invitation_a)
    assert "已填写的参会人将被清除" in quick_form(
        client.get(links.rsvp_url(invitation_a, "declined")).content.decode()
    )

    client.post(links.rsvp_url(invitation_a), {"quick_answer": "declined"})

    invitation_a.refresh_from_db()
    assert invitation_a.status == S.DECLINED and not invitation_a.attendees.exists()
    assert invitation_a.note == "晚到半小时"


def test_one_tap_accept_beyond_capacity_waits(client, secretariat, enterprise_a):
    meeting = future_meeting(capacity=1)
    full = InvitationFactory(meeting=meeting)
    services.record_rsvp(
        full, status=S.ACCEPTED, attendees=[{"name": "甲"}], actor=secretariat, channel="phone"
    )
    invitation = InvitationFactory(meeting=meeting, organisation=enterprise_a)
    PersonFactory(organisation=enterprise_a, name="王联络", is_liaison=True)

    response = client.post(links.rsvp_url(invitation), {"quick_answer": "accepted"}, follow=True)

    invitation.refresh_from_db()
    assert (invitation.status, invitation.waitlist_position) == (S.WAITLISTED, 1)
    recorded = section(response.content.decode(), '<section id="answer-recorded"')
    assert "候补" in recorded


def test_already_given_answer_is_shown_not_offered_again(client, invitation_a):
    answer_fully(invitation_a)

    page = client.get(links.rsvp_url(invitation_a, "accepted")).content.decode()

    assert 'id="quick-answer"' not in page
    assert "answer-accepted" in section(page, '<section id="answer-recorded"')


def test_no_one_tap_after_the_deadline(client, enterprise_a):
    meeting = future_meeting(rsvp_deadline=datetime.now(UTC) - timedelta(hours=1))
    invitation = InvitationFactory(meeting=meeting, organisation=enterprise_a)
    PersonFactory(organisation=enterprise_a, name="王联络", is_liaison=True)

    page = client.get(links.rsvp_url(invitation, "accepted")).content.decode()
    assert 'id="quick-answer"' not in page

    response = client.post(links.rsvp_url(invitation), {"quick_answer": "accepted"})
    assert "截止报名" in section(response.content.decode(), '<section id="quick-answer-fallback"')
    invitation.refresh_from_db()
    assert invitation.status == S.PENDING


def test_unknown_one_tap_answer_is_refused(client, invitation_a):
    response = client.post(links.rsvp_url(invitation_a), {"quick_answer": "waitlisted"})

    assert response.status_code == 200
    assert "请选择参加、不参加或待定" in response.content.decode()
    invitation_a.refresh_from_db()
    assert invitation_a.status == S.PENDING


@pytest.mark.parametrize(
    ("token", "status"),
    [
        (lambda i: links.make_token(i)[:-3] + "abc", 400),
        (lambda i: signing.dumps({"i": i.pk, "p": "rsvp", "v": 0}, salt=links.SALT), 403),
    ],
)
def test_one_tap_with_a_tampered_or_revoked_link_records_nothing(
    client, invitation_a, token, status
):
    PersonFactory(organisation=invitation_a.organisation, name="王联络", is_liaison=True)
    url = f"/meetings/rsvp/{token(invitation_a)}/"

    assert client.post(url, {"quick_answer": "accepted"}).status_code == status
    invitation_a.refresh_from_db()
    assert invitation_a.status == S.PENDING and not invitation_a.attendees.exists()


def test_one_tap_with_an_expired_link_records_nothing(client, enterprise_a):
    start = datetime.now(UTC) - timedelta(days=2)
    past = MeetingFactory(start=start, end=start + timedelta(hours=3))
    invitation = InvitationFactory(meeting=past, organisation=enterprise_a)
    PersonFactory(organisation=enterprise_a, name="王联络", is_liaison=True)

    response = client.post(links.rsvp_url(invitation), {"quick_answer": "accepted"})

    assert response.status_code == 410
    invitation.refresh_from_db()
    assert invitation.status == S.PENDING


def test_one_tap_works_in_a_fresh_browser_with_csrf_checks(invitation_a):
    """As an in-app browser opening the mail's link with no cookie yet: the page itself sets
    the CSRF cookie (first-party, for this site only), and the confirm button's POST passes."""
    PersonFactory(organisation=invitation_a.organisation, name="王联络", is_liaison=True)
    browser = Client(enforce_csrf_checks=True)
    url = links.rsvp_url(invitation_a, "accepted")

    page = browser.get(url)
    assert "csrftoken" in page.cookies
    assert page.cookies["csrftoken"]["samesite"] == "Lax"
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', quick_form(page.content.decode())
    ).group(1)
    response = browser.post(url, {"csrfmiddlewaretoken": token, "quick_answer": "accepted"})

    assert response.status_code == 302
    invitation_a.refresh_from_db()
    assert invitation_a.status == S.ACCEPTED
    assert list(invitation_a.attendees.values_list("name", flat=True)) == ["王联络"]


def test_one_tap_without_the_pages_csrf_token_records_nothing(invitation_a):
    PersonFactory(organisation=invitation_a.organisation, name="王联络", is_liaison=True)
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(links.rsvp_url(invitation_a), {"quick_answer": "accepted"})

    assert response.status_code == 403
    assert "请重新打开邮件中的链接" in response.content.decode()  # our page, in Chinese
    invitation_a.refresh_from_db()
    assert invitation_a.status == S.PENDING


def test_a_refused_full_answer_is_not_shown_as_recorded(client, invitation_a):
    answer_fully(invitation_a)
    url = links.rsvp_url(invitation_a, "accepted")

    response = client.post(
        url,
        {
            "status": "accepted",
            "note": "",
            "attendee-TOTAL_FORMS": "1",
            "attendee-INITIAL_FORMS": "0",
            "attendee-0-name": "张三",
            "attendee-0-arrival_date": "2026-12-12",
            "attendee-0-departure_date": "2026-12-09",  # before the arrival: refused
        },
    )

    page = response.content.decode()
    assert response.status_code == 200 and 'class="error"' in page
    assert 'id="answer-recorded"' not in page
    invitation_a.refresh_from_db()
    assert [a.name for a in invitation_a.attendees.all()] == ["张三", "李四"]


# --- The one-tap service ------------------------------------------------------------------------


def test_confirm_answer_checks_who_answers_like_every_answer(invitation_a, member_a, member_b):
    PersonFactory(organisation=invitation_a.organisation, name="王联络", is_liaison=True)

    with pytest.raises(PermissionDenied):
        services.confirm_answer(invitation_a, status=S.ACCEPTED, actor=member_b, channel="page")
    invitation_a.refresh_from_db()
    assert invitation_a.status == S.PENDING

    result = services.confirm_answer(
        invitation_a, status=S.ACCEPTED, actor=member_a, channel="page"
    )
    assert (result.invitation.status, result.invitation.answered_via) == (S.ACCEPTED, "page")


def test_one_tap_attendees_by_answer(invitation_a):
    assert services.one_tap_attendees(invitation_a, S.ACCEPTED) is None
    assert services.one_tap_attendees(invitation_a, S.TENTATIVE) == []
    assert services.one_tap_attendees(invitation_a, S.DECLINED) == []
    with pytest.raises(ValidationError):
        services.confirm_answer(invitation_a, status=S.ACCEPTED, actor=None, channel="link")
    with pytest.raises(ValidationError):
        services.confirm_answer(invitation_a, status=S.PENDING, actor=None, channel="link")

    answered = answer_fully(invitation_a)

    assert [a["name"] for a in services.one_tap_attendees(answered, S.TENTATIVE)] == [
        "张三",
        "李四",
    ]


def test_answer_page_says_its_time_is_beijing_time(client_for, member_a, invitation_a):
    page = client_for(member_a).get(f"/meetings/invitations/{invitation_a.pk}/")

    start = invitation_a.meeting.start.astimezone(BEIJING)
    when = re.search(r"<dt>时间</dt><dd>(.*?)</dd>", page.content.decode(), re.S).group(1)
    assert start.strftime("%Y-%m-%d %H:%M") in when and "（北京时间）" in when
