"""Calendar feeds over HTTP: permissions, secret links, caching headers and 304."""

import re
import time

import pytest
from django.urls import reverse
from django.utils.http import http_date

from liaison import services as liaison_services
from liaison.models import AuditEntry, CalendarToken
from liaison.tests.factories import PartnershipFactory
from meetings import services
from meetings.calendars import views as calendar_views
from meetings.models import Meeting
from meetings.tests.calendar_checks import check_feed
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def feed_url(user, name="calendar-personal-feed"):
    return reverse(name, args=[liaison_services.calendar_token_for(user).key])


@pytest.mark.parametrize(
    ("who", "draft_status", "scheduled_status"),
    [
        ("secretariat", 200, 200),
        ("official", 200, 200),
        ("member_a", 404, 200),
        ("member_b", 404, 200),
        ("anonymous", 302, 302),
    ],
)
def test_meeting_ics_for_whoever_can_see_the_meeting(
    client_for, persona, who, draft_status, scheduled_status
):
    draft = MeetingFactory(status=Meeting.Status.DRAFT)
    scheduled = MeetingFactory()
    client = client_for(persona[who])

    draft_response = client.get(reverse("meeting-ics", args=[draft.pk]))
    response = client.get(reverse("meeting-ics", args=[scheduled.pk]))

    assert draft_response.status_code == draft_status
    assert response.status_code == scheduled_status
    if response.status_code == 200:
        assert response["Content-Type"] == CALENDAR_TYPE
        assert "attachment" in response["Content-Disposition"]
        check_feed(response.content)
        assert str(scheduled.uid).encode() in response.content


def test_meeting_page_has_the_download_button(client_for, member_a):
    meeting = MeetingFactory()
    page = client_for(member_a).get(reverse("meeting-detail", args=[meeting.pk]))

    assert reverse("meeting-ics", args=[meeting.pk]) in page.content.decode()


def test_partnership_calendar_for_signed_in_users_only(client_for, member_b, client):
    partnership = PartnershipFactory()
    MeetingFactory(partnership=partnership, title="公开会议")
    MeetingFactory(partnership=partnership, title="草稿会议", status=Meeting.Status.DRAFT)
    url = reverse("partnership-ics", args=[partnership.pk])

    response = client_for(member_b).get(url)

    assert response.status_code == 200
    assert "公开会议" in response.content.decode()
    assert "草稿会议" not in response.content.decode()
    check_feed(response.content)
    assert client.get(url).status_code == 302


def test_feed_answers_304_on_etag_and_last_modified(client, member_a, enterprise_a, monkeypatch):
    InvitationFactory(meeting=MeetingFactory(), organisation=enterprise_a)
    # Seconds later: a Last-Modified is only given once its second is over.
    monkeypatch.setattr(calendar_views, "_clock", lambda: time.time() + 5)
    url = feed_url(member_a)

    first = client.get(url)
    second = client.get(url)
    by_etag = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    stale = client.get(url, HTTP_IF_NONE_MATCH='"something-else"')

    assert first.status_code == 200
    assert first["Content-Type"] == CALENDAR_TYPE
    assert first["ETag"].startswith('"') and not first["ETag"].startswith("W/")
    assert "Content-Encoding" not in first
    assert first.content == second.content and first["ETag"] == second["ETag"]
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_etag["ETag"] == first["ETag"]
    assert by_date.status_code == 304
    assert stale.status_code == 200


def test_feed_changes_etag_after_a_change(client, member_a, enterprise_a, secretariat):
    meeting = MeetingFactory()
    InvitationFactory(meeting=meeting, organisation=enterprise_a)
    url = feed_url(member_a)
    first = client.get(url)

    meeting.venue = "新会场"
    services.save_meeting(meeting, actor=secretariat)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    old_date = client.get(url, HTTP_IF_MODIFIED_SINCE=http_date(0))

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert "新会场" in again.content.decode()
    assert old_date.status_code == 200


def test_personal_feed_needs_no_session_and_ignores_one(client_for, member_a, member_b):
    url = feed_url(member_a)
    # Signed in as someone else: the key alone decides whose feed it is.
    response = client_for(member_b).get(url)

    assert response.status_code == 200
    assert response.wsgi_request.user == member_b
    assert "X-Robots-Tag" in response


def test_member_b_cannot_see_a_invitation(client, member_a, member_b, enterprise_a):
    InvitationFactory(meeting=MeetingFactory(title="甲企业的会议"), organisation=enterprise_a)

    a_feed = client.get(feed_url(member_a)).content.decode()
    b_feed = client.get(feed_url(member_b)).content.decode()

    assert "甲企业的会议" in a_feed
    assert "甲企业的会议" not in b_feed
    assert client.get(reverse("calendar-personal-feed", args=["guessed-key"])).status_code == 404


def test_regenerated_token_revokes_the_old_url(client, client_for, member_a):
    old = feed_url(member_a)
    assert client.get(old).status_code == 200

    response = client_for(member_a).post(reverse("calendar-regenerate"))
    new = feed_url(member_a)

    assert response.status_code == 302
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    entry = AuditEntry.objects.filter(note="日历订阅链接已重新生成").get()
    assert CalendarToken.objects.get().key not in str(entry.changes)


def test_deactivated_user_feed_is_refused(client, member_a):
    url = feed_url(member_a)
    member_a.is_active = False
    member_a.save()

    assert client.get(url).status_code == 404


def test_officials_feed_only_with_an_official_token(client, official, secretariat, member_a):
    partnership = PartnershipFactory()
    MeetingFactory(partnership=partnership, title="全部会议之一")
    MeetingFactory(partnership=partnership, title="草稿", status=Meeting.Status.DRAFT)

    response = client.get(feed_url(official, "calendar-officials-feed"))

    assert response.status_code == 200
    check_feed(response.content)
    assert "全部会议之一" in response.content.decode()
    assert "草稿" not in response.content.decode()
    assert client.get(feed_url(secretariat, "calendar-officials-feed")).status_code == 200
    assert client.get(feed_url(member_a, "calendar-officials-feed")).status_code == 404


def test_subscription_page_shows_links_and_reminder(client_for, member_a, settings):
    settings.SITE_URL = "https://liaison.example.cn"
    client = client_for(member_a)

    page = client.get(reverse("calendar-subscription")).content.decode()
    key = CalendarToken.objects.get(user=member_a).key

    assert f"https://liaison.example.cn/meetings/calendar/feed/{key}.ics" in page
    assert f"webcal://liaison.example.cn/meetings/calendar/feed/{key}.ics" in page
    assert "google" not in page.lower()  # not reachable from mainland China
    assert "officials" not in page  # a member has no officials' feed

    client.post(reverse("calendar-reminder"), {"reminder_minutes": "30"})
    assert CalendarToken.objects.get(user=member_a).reminder_minutes == 30
    client.post(reverse("calendar-reminder"), {"reminder_minutes": "7"})
    assert CalendarToken.objects.get(user=member_a).reminder_minutes == 30
    client.post(reverse("calendar-reminder"), {"reminder_minutes": ""})
    assert CalendarToken.objects.get(user=member_a).reminder_minutes is None


def test_feed_shows_reminder_once_switched_on(client, member_a, enterprise_a):
    InvitationFactory(meeting=MeetingFactory(), organisation=enterprise_a)
    url = feed_url(member_a)
    before = client.get(url)
    liaison_services.set_calendar_reminder(member_a, minutes=1440, actor=member_a)

    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert b"TRIGGER:-P1D" in after.content


@pytest.mark.parametrize("name", ["member_a", "official"])
def test_subscription_page_explains_the_calendars_used_in_china(
    client_for, persona, settings, name
):
    settings.SITE_URL = "https://liaison.example.cn"
    user = persona[name]

    page = client_for(user).get(reverse("calendar-subscription")).content.decode()
    key = CalendarToken.objects.get(user=user).key

    feed = f"https://liaison.example.cn/meetings/calendar/feed/{key}.ics"
    assert re.search(rf'<input id="calendar-url" class="copy-field" [^>]*value="{feed}"', page)
    assert f'href="webcal://liaison.example.cn/meetings/calendar/feed/{key}.ics"' in page
    assert "https://outlook.live.com/calendar/0/addfromweb?url=" in page
    for client in (
        "iPhone 和 iPad（苹果日历）",
        "Outlook Windows 版",
        "Outlook 网页版",
        "企业微信和钉钉",
    ):
        assert client in page
    assert "添加已订阅的日历" in page and "从 Web 订阅" in page
    assert "无法在其中订阅本日历" in page  # said plainly, not promised
    assert "google" not in page.lower() and "谷歌" not in page
    assert ('id="officials-url"' in page) == (name == "official")
