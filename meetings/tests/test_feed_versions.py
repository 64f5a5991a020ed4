"""Conditional calendar feeds: the 304 is decided from the feed's version before anything is
built, and every change that shows in a feed gives a new ETag, a 200 and fresh bytes (a wrong
304 would leave a subscriber with a stale calendar until the next change)."""

import time
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import http_date
from icalendar import vCalAddress

from liaison import services as liaison_services
from liaison.models import User
from liaison.tests.factories import PartnershipFactory, PersonFactory
from meetings import services
from meetings.calendars import feeds, ics
from meetings.calendars import views as calendar_views
from meetings.models import Invitation, Meeting
from meetings.tests.calendar_checks import check_feed, occurrences
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

C = Invitation.Channel


def feed_url(user, name="calendar-personal-feed"):
    return reverse(name, args=[liaison_services.calendar_token_for(user).key])


@pytest.fixture
def invited(enterprise_a):
    meeting = MeetingFactory(title="年度联席会议", start=timezone.now() + timedelta(days=30))
    return InvitationFactory(meeting=meeting, organisation=enterprise_a)


@pytest.fixture
def later(monkeypatch):
    """Requests a few seconds after the rows were written (a Last-Modified is only given once
    its second is over)."""
    monkeypatch.setattr(calendar_views, "_clock", lambda: time.time() + 5)


def _change_and_refetch(client, url, change):
    first = client.get(url)
    assert first.status_code == 200
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    change()
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    return first, again


def test_meeting_edit_moves_the_personal_feed(client, member_a, invited, secretariat):
    def change():
        invited.meeting.venue = "吐鲁番宾馆"
        services.save_meeting(invited.meeting, actor=secretariat)

    first, again = _change_and_refetch(client, feed_url(member_a), change)

    assert again.status_code == 200 and again["ETag"] != first["ETag"]
    assert "吐鲁番宾馆" in again.content.decode()


def test_agenda_change_moves_the_feed_and_the_meeting_download(
    client, client_for, member_a, invited, secretariat
):
    meeting_url = reverse("meeting-ics", args=[invited.meeting.pk])
    download = client_for(member_a)
    before = download.get(meeting_url)

    def change():
        services.add_agenda_item(invited.meeting, actor=secretariat, title="签约仪式")

    _first, again = _change_and_refetch(client, feed_url(member_a), change)
    after = download.get(meeting_url, HTTP_IF_NONE_MATCH=before["ETag"])

    assert again.status_code == 200 and "签约仪式" in again.content.decode()
    assert after.status_code == 200 and "签约仪式" in after.content.decode()
    assert after["ETag"] != before["ETag"]


def test_an_answer_moves_the_personal_feed(client, member_a, invited):
    User.objects.filter(pk=member_a.pk).update(email="li.wei@example.cn")

    def change():
        services.record_rsvp(
            invited, status=Invitation.Status.DECLINED, actor=member_a, channel=C.PAGE
        )

    first, again = _change_and_refetch(client, feed_url(member_a), change)

    assert again.status_code == 200 and again["ETag"] != first["ETag"]
    assert b"PARTSTAT=DECLINED" in again.content.replace(b"\r\n ", b"")


def test_a_cancellation_moves_the_feeds(
    client, client_for, member_a, official, secretariat, invited
):
    partnership_url = reverse("partnership-ics", args=[invited.meeting.partnership_id])
    reader = client_for(member_a)
    published = reader.get(partnership_url)
    officials_url = feed_url(official, "calendar-officials-feed")
    officials = client.get(officials_url)
    download_url = reverse("meeting-ics", args=[invited.meeting.pk])
    download = reader.get(download_url)

    def change():
        services.cancel_meeting(invited.meeting, reason="日程冲突", actor=secretariat)

    _first, again = _change_and_refetch(client, feed_url(member_a), change)

    assert again.status_code == 200 and b"STATUS:CANCELLED" in again.content
    for url, before, via in (
        (partnership_url, published, reader),
        (officials_url, officials, client),
        (download_url, download, reader),
    ):
        after = via.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
        assert after.status_code == 200 and b"STATUS:CANCELLED" in after.content


def test_revoked_links_and_a_deleted_invitation_move_the_feed(
    client, member_a, invited, secretariat
):
    url = feed_url(member_a)
    first, again = _change_and_refetch(
        client, url, lambda: services.revoke_links(invited, actor=secretariat)
    )
    assert again.status_code == 200 and again["ETag"] != first["ETag"]

    liaison_services.delete_object(invited, actor=secretariat)
    gone = client.get(url, HTTP_IF_NONE_MATCH=again["ETag"])

    assert gone.status_code == 200
    assert "年度联席会议" not in gone.content.decode()


def test_the_subscribers_own_rights_move_the_feed(client, member_a, invited, secretariat):
    def change():
        member = User.objects.get(pk=member_a.pk)
        member.organisation = None
        member.role = User.Role.OFFICIAL
        liaison_services.save_object(member, actor=secretariat)

    first, again = _change_and_refetch(client, feed_url(member_a), change)

    assert again.status_code == 200 and again["ETag"] != first["ETag"]
    # An official's own feed shows what is addressed to its own person: here nothing.
    assert "年度联席会议" not in again.content.decode()


def test_the_reminder_moves_the_feed(client, member_a, invited):
    _first, again = _change_and_refetch(
        client,
        feed_url(member_a),
        lambda: liaison_services.set_calendar_reminder(member_a, minutes=60, actor=member_a),
    )

    assert again.status_code == 200 and b"TRIGGER:-PT1H" in again.content


def test_if_none_match_wins_over_if_modified_since(client, member_a, invited, later):
    url = feed_url(member_a)
    first = client.get(url)

    stale_tag = client.get(
        url, HTTP_IF_NONE_MATCH='"old"', HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    too_old = client.get(url, HTTP_IF_MODIFIED_SINCE=http_date(0))

    assert stale_tag.status_code == 200
    assert by_date.status_code == 304 and by_date["ETag"] == first["ETag"]
    assert too_old.status_code == 200


@pytest.mark.parametrize("kind", ["personal", "officials", "partnership", "meeting"])
def test_a_304_builds_nothing(
    client, client_for, member_a, official, invited, monkeypatch, later, kind
):
    """Two queries for a feed behind a secret link (the token, the version), three for a page
    of a signed-in reader (session and user first), and no build at all."""
    urls = {
        "personal": (client, feed_url(member_a)),
        "officials": (client, feed_url(official, "calendar-officials-feed")),
        "partnership": (
            client_for(member_a),
            reverse("partnership-ics", args=[invited.meeting.partnership_id]),
        ),
        "meeting": (client_for(member_a), reverse("meeting-ics", args=[invited.meeting.pk])),
    }
    via, url = urls[kind]
    etag = via.get(url)["ETag"]

    def refuse(*args, **kwargs):
        raise AssertionError("a 304 must not build the feed")

    for name in ("build_published", "build_personal", "with_agenda", "cached"):
        monkeypatch.setattr(feeds, name, refuse)
    with CaptureQueriesContext(connection) as queries:
        response = via.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304 and response["ETag"] == etag
    assert response["Last-Modified"]
    assert len(queries) == {"personal": 2, "officials": 2}.get(kind, 4), [
        q["sql"] for q in queries.captured_queries
    ]


def test_a_change_replaces_the_cached_feed(member_a, invited, secretariat):
    token = liaison_services.calendar_token_for(member_a)
    first = feeds.personal_calendar(token)
    with CaptureQueriesContext(connection) as warm:
        again = feeds.personal_calendar(token)
    invited.meeting.title = "改名后的会议"
    services.save_meeting(invited.meeting, actor=secretariat)
    changed = feeds.personal_calendar(token)

    assert again.body == first.body and len(warm) == 1  # the version only
    assert changed.etag != first.etag
    assert "改名后的会议" in changed.body.decode()
    check_feed(changed.body)


def test_the_same_rows_give_the_same_version_in_every_feed_kind(member_a, invited):
    partnership = invited.meeting.partnership
    other = PartnershipFactory()

    assert feeds.partnership_version(partnership) == feeds.partnership_version(partnership)
    assert feeds.partnership_version(partnership).etag != feeds.partnership_version(other).etag
    assert feeds.officials_version().etag != feeds.partnership_version(partnership).etag
    assert Meeting.objects.count() == 1


def test_no_last_modified_within_the_second_of_the_change(
    client, member_a, invited, secretariat, monkeypatch
):
    """A change in the same second as a request must not hide behind a date comparison:
    until that second is over, no Last-Modified is given and If-Modified-Since is not used."""
    url = feed_url(member_a)
    # The requests below come within the second of the change, however slow the set-up was.
    change = {}
    last_modified = calendar_views._last_modified

    def seen(version):
        change["at"] = version.last_modified.timestamp()
        return last_modified(version)

    monkeypatch.setattr(calendar_views, "_last_modified", seen)
    monkeypatch.setattr(calendar_views, "_clock", lambda: change["at"])
    fresh = client.get(url)
    by_date_now = client.get(url, HTTP_IF_MODIFIED_SINCE=http_date(time.time() + 3600))
    monkeypatch.setattr(calendar_views, "_clock", lambda: change["at"] + 5)
    settled = client.get(url)

    assert "Last-Modified" not in fresh and fresh["ETag"]
    assert by_date_now.status_code == 200
    assert settled["Last-Modified"] and settled["ETag"] == fresh["ETag"]


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"title": 'A; B, C\\ "D" 与会', "venue": "", "city": "长沙市"},
        {"description": "第一行\n第二行；含,逗号\\反斜杠" * 8, "status": Meeting.Status.CANCELLED},
        {"status": Meeting.Status.POSTPONED, "status_reason": "场地调整", "sequence": 3},
    ],
)
def test_feed_event_writes_the_librarys_bytes(secretariat, values):
    """The feeds' fast event lines equal the library's serialisation of ``meeting_event``
    with the same attendee and reminder, byte for byte, before and after folding."""
    meeting = MeetingFactory(**values)
    services.add_agenda_item(meeting, actor=secretariat, title="议程；一", presenter="李,四")
    meeting = feeds.with_agenda(Meeting.objects.filter(pk=meeting.pk)).get()
    recurrence = meeting.start - timedelta(days=3)
    with translation.override("zh-hans"):
        library = ics.meeting_event(
            meeting, uid="series-1", recurrence_id=recurrence, answer="接受"
        )
        library.add(
            "attendee",
            vCalAddress.new("li@example.cn", cn='李 "四"'.replace('"', ""), partstat="ACCEPTED"),
        )
        library.add_component(ics.reminder(1440, meeting.title))
        fast = ics.feed_event(
            meeting,
            uid="series-1",
            recurrence_id=recurrence,
            answer="接受",
            attendee=("li@example.cn", '李 "四"', "ACCEPTED"),
            alarm_minutes=1440,
        )
        plain = ics.meeting_event(meeting)
        plain_fast = ics.feed_event(meeting)

    assert fast.encode() == ics.unfolded(library)
    assert plain_fast.encode() == ics.unfolded(plain)
    calendar = ics.new_calendar("比较")
    assert ics.to_bytes(calendar, [fast]) == ics.to_bytes(calendar, [library])
    check_feed(ics.to_bytes(calendar, [fast, plain_fast]))


def test_a_personal_feed_read_by_an_independent_parser(member_a, enterprise_a, secretariat):
    """Long escaped descriptions, the attendee and a reminder: the raw bytes fold right and
    ``recurring_ical_events`` finds each meeting once, at its Beijing time."""
    User.objects.filter(pk=member_a.pk).update(email="li.wei@example.cn")
    for day in (3, 10, 17):
        meeting = MeetingFactory(
            start=datetime(2026, 3, day, 1, 30, tzinfo=UTC),
            description="合作；项目,清单\\附件\n" * 12,
        )
        services.add_agenda_item(meeting, actor=secretariat, title="审议项目清单，确定牵头单位")
        InvitationFactory(meeting=meeting, organisation=enterprise_a)
    liaison_services.set_calendar_reminder(member_a, minutes=30, actor=member_a)
    token = liaison_services.calendar_token_for(member_a)
    token.refresh_from_db()

    body = feeds.personal_calendar(token).body
    check_feed(body)
    found = occurrences(body, date(2026, 1, 1), date(2027, 1, 1))

    assert sorted((e["DTSTART"].dt.day, e["DTSTART"].dt.hour) for e in found) == [
        (3, 9),
        (10, 9),
        (17, 9),
    ]
    assert all(e.walk("VALARM") for e in found)
    assert all("合作；项目,清单\\附件" in str(e["DESCRIPTION"]) for e in found)


# --- Only the subscriber's own answers move a personal feed -----------------------------------


def test_an_answer_moves_only_that_subscribers_feed(
    client, member_a, member_b, enterprise_a, enterprise_b
):
    """During a rush of answers the other subscribers' feeds stay 304: an answer moves the
    feed of its organisation's members and of its person's account, no other."""
    meeting = MeetingFactory(title="年度联席会议", start=timezone.now() + timedelta(days=30))
    InvitationFactory(meeting=meeting, organisation=enterprise_a)
    theirs = InvitationFactory(meeting=meeting, organisation=enterprise_b)
    User.objects.filter(pk=member_b.pk).update(email="b@example.cn")
    url_a, url_b = feed_url(member_a), feed_url(member_b)
    tag_a, tag_b = client.get(url_a)["ETag"], client.get(url_b)["ETag"]

    services.record_rsvp(theirs, status=Invitation.Status.DECLINED, actor=member_b, channel=C.PAGE)
    mine = client.get(url_a, HTTP_IF_NONE_MATCH=tag_a)
    others = client.get(url_b, HTTP_IF_NONE_MATCH=tag_b)

    assert mine.status_code == 304 and mine["ETag"] == tag_a
    assert others.status_code == 200 and others["ETag"] != tag_b
    assert b"PARTSTAT=DECLINED" in others.content.replace(b"\r\n ", b"")


def test_an_answer_to_the_subscribers_own_person_moves_its_feed(
    client, official, member_a, secretariat
):
    """An invitation addressed to the person of an account (here an official's) moves that
    account's feed, and the bytes served after it hold the new answer, not the cached ones."""
    person = PersonFactory(user=official, email="guan@example.cn")
    meeting = MeetingFactory(title="专题对接会", start=timezone.now() + timedelta(days=30))
    invitation = InvitationFactory(meeting=meeting, person=person, organisation=None)
    url_official, url_member = feed_url(official), feed_url(member_a)
    first = client.get(url_official)
    tag_member = client.get(url_member)["ETag"]

    services.record_rsvp(
        invitation, status=Invitation.Status.ACCEPTED, actor=secretariat, channel=C.PHONE
    )
    again = client.get(url_official, HTTP_IF_NONE_MATCH=first["ETag"])

    assert b"PARTSTAT=NEEDS-ACTION" in first.content.replace(b"\r\n ", b"")
    assert again.status_code == 200 and again["ETag"] != first["ETag"]
    assert b"PARTSTAT=ACCEPTED" in again.content.replace(b"\r\n ", b"")
    assert client.get(url_member, HTTP_IF_NONE_MATCH=tag_member).status_code == 304


def test_a_bulk_update_of_invitations_moves_their_feed(client, member_a, invited):
    """Writes that bypass save() (QuerySet.update, bulk_update) move ``changed_at`` too."""
    url = feed_url(member_a)
    first = client.get(url)

    Invitation.objects.filter(pk=invited.pk).update(
        status=Invitation.Status.ACCEPTED, answered_at=timezone.now()
    )
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200 and again["ETag"] != first["ETag"]

    invited.refresh_from_db()
    invited.status = Invitation.Status.DECLINED
    Invitation.objects.bulk_update([invited], ["status"])
    third = client.get(url, HTTP_IF_NONE_MATCH=again["ETag"])

    assert third.status_code == 200 and third["ETag"] != again["ETag"]


# --- If-None-Match as clients send it -----------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "status"),
    [
        ("{etag}", 304),
        ("W/{etag}", 304),  # weak comparison for GET (RFC 9110 13.1.2)
        ('"stale", {etag}', 304),
        ("*", 304),
        ('"stale"', 200),
        ('W/"stale", "older"', 200),
    ],
    ids=["strong", "weak", "list", "any", "other", "list of others"],
)
def test_if_none_match_forms(client, member_a, invited, header, status):
    url = feed_url(member_a)
    etag = client.get(url)["ETag"]

    response = client.get(url, HTTP_IF_NONE_MATCH=header.format(etag=etag))

    assert response.status_code == status and response["ETag"] == etag
    if status == 200:
        assert b"BEGIN:VEVENT" in response.content


def test_a_if_modified_since_before_the_change_gets_the_new_feed(
    client, member_a, invited, secretariat, monkeypatch
):
    clock = [time.time() + 5]
    monkeypatch.setattr(calendar_views, "_clock", lambda: clock[0])
    url = feed_url(member_a)
    first = client.get(url)
    # A second later, the meeting moves.
    Meeting.objects.filter(pk=invited.meeting_id).update(
        updated_at=timezone.now() + timedelta(seconds=2), venue="新会场"
    )
    clock[0] += 5
    again = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 200 and "新会场" in again.content.decode()
    assert again["Last-Modified"] != first["Last-Modified"]


# --- Queries: the same at two sizes, cold (nothing cached) ---------------------------------------


def _cold_queries(via, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = via.get(url)
    assert response.status_code == 200
    return len(captured)


def test_personal_feed_queries_do_not_grow_with_meetings(
    client, member_a, enterprise_a, secretariat
):
    url = feed_url(member_a)
    counts = []
    for size in (2, 12):
        while Invitation.objects.count() < size:
            meeting = MeetingFactory(start=timezone.now() + timedelta(days=Meeting.objects.count()))
            services.add_agenda_item(meeting, actor=secretariat, title="议程")
            InvitationFactory(meeting=meeting, organisation=enterprise_a)
        client.get(url)
        counts.append(_cold_queries(client, url))

    # The token, the version, the invitations with their meetings, the agendas, the address.
    assert counts == [4, 4], counts


def test_published_feeds_queries_do_not_grow_with_meetings(
    client, client_for, member_a, official, secretariat
):
    partnership = PartnershipFactory()
    reader = client_for(member_a)
    urls = (
        (reader, reverse("partnership-ics", args=[partnership.pk])),
        (client, feed_url(official, "calendar-officials-feed")),
    )
    counts = []
    for size in (2, 12):
        while Meeting.objects.count() < size:
            meeting = MeetingFactory(
                partnership=partnership,
                start=timezone.now() + timedelta(days=Meeting.objects.count()),
            )
            services.add_agenda_item(meeting, actor=secretariat, title="议程")
        for via, url in urls:
            via.get(url)
        counts.append([_cold_queries(via, url) for via, url in urls])

    assert counts[0] == counts[1], counts


def test_meeting_ics_queries_do_not_grow_with_its_agenda(client_for, member_a, secretariat):
    meeting = MeetingFactory(start=timezone.now() + timedelta(days=3))
    reader = client_for(member_a)
    url = reverse("meeting-ics", args=[meeting.pk])
    counts = []
    for size in (2, 12):
        while meeting.agenda_items.count() < size:
            services.add_agenda_item(meeting, actor=secretariat, title="议程")
        reader.get(url)
        counts.append(_cold_queries(reader, url))

    # Session, user, the meeting's version, the meeting, its agenda.
    assert counts == [5, 5], counts
