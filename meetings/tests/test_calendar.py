"""Calendar builders: bytes every client reads, series with overrides, determinism."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from liaison import services as liaison_services
from liaison.models import Mechanism
from liaison.tests.factories import MechanismFactory, PartnershipFactory, PersonFactory
from meetings import services
from meetings.calendars import feeds, ics
from meetings.models import AgendaItem, Invitation, Meeting
from meetings.tests.calendar_checks import check_feed, occurrences, per_year
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=9, minute=30):
    return datetime(year, month, day, hour, minute, tzinfo=BEIJING)


@pytest.fixture
def partnership():
    return PartnershipFactory(name="湖南省工商联—吐鲁番市")


@pytest.fixture
def joint(partnership):
    return MechanismFactory(
        partnership=partnership,
        kind=Mechanism.Kind.JOINT_MEETING,
        name="联席会议",
        rrule="FREQ=YEARLY",
        first_date=date(2024, 6, 15),
    )


@pytest.fixture
def event(partnership):
    return MechanismFactory(
        partnership=partnership,
        kind=Mechanism.Kind.EVENT,
        name="湖南民营企业进边疆·吐鲁番行",
        rrule="FREQ=YEARLY;INTERVAL=2",
        first_date=date(2023, 12, 20),
    )


def meeting(partnership, start, *, mechanism=None, status=Meeting.Status.SCHEDULED, **kw):
    return MeetingFactory(
        partnership=partnership,
        mechanism=mechanism,
        start=start,
        end=start + timedelta(hours=3),
        status=status,
        **kw,
    )


@pytest.fixture
def series(partnership, joint, event):
    """The event held in 2023 on its date; the 2024 joint meeting on its date; the 2025 one
    moved to September; the 2026 one cancelled; the 2025 event scheduled; a signing ceremony
    outside every series; a draft that must not show."""
    return {
        "event_2023": meeting(
            partnership, at(2023, 12, 20), mechanism=event, status=Meeting.Status.HELD
        ),
        "joint_2024": meeting(
            partnership, at(2024, 6, 15), mechanism=joint, status=Meeting.Status.HELD
        ),
        "joint_2025": meeting(partnership, at(2025, 9, 10, 15, 0), mechanism=joint),
        "joint_2026": meeting(
            partnership, at(2026, 6, 20), mechanism=joint, status=Meeting.Status.CANCELLED
        ),
        "event_2025": meeting(partnership, at(2025, 11, 5), mechanism=event),
        "signing": meeting(partnership, at(2026, 3, 3), kind=Meeting.Kind.SIGNING),
        "draft": meeting(partnership, at(2026, 4, 4), status=Meeting.Status.DRAFT),
    }


def test_partnership_calendar_is_well_formed(partnership, series):
    body = feeds.partnership_calendar(partnership).body

    cal = check_feed(body)
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in body
    assert b"X-PUBLISHED-TTL:PT6H\r\n" in body
    assert str(cal["NAME"]) == str(cal["X-WR-CALNAME"]) == "湖南省工商联—吐鲁番市 · 会议"
    assert b"\r\nUID:" not in body.split(b"BEGIN:VTIMEZONE")[0]  # no random calendar UID


def test_series_expand_to_the_expected_years_with_each_occurrence_once(
    partnership, joint, event, series
):
    body = feeds.partnership_calendar(partnership).body
    events = occurrences(body, date(2023, 1, 1), date(2029, 1, 1))

    assert per_year(events, ics.series_uid(event)) == {2023: 1, 2025: 1, 2027: 1}
    assert per_year(events, ics.series_uid(joint)) == {y: 1 for y in range(2024, 2029)}
    # Overrides replace the occurrences: a meeting's own UID never appears beside them.
    for name in ("event_2023", "joint_2024", "joint_2025", "joint_2026", "event_2025"):
        assert str(series[name].uid).encode() not in body
    assert str(series["signing"].uid).encode() in body
    assert str(series["draft"].uid).encode() not in body


def test_moved_occurrence_shows_once_at_its_new_time(partnership, joint, series):
    body = feeds.partnership_calendar(partnership).body
    events = occurrences(body, date(2025, 1, 1), date(2026, 1, 1))
    joint_2025 = [e for e in events if str(e["UID"]) == ics.series_uid(joint)]

    assert [e["DTSTART"].dt for e in joint_2025] == [at(2025, 9, 10, 15, 0)]
    assert joint_2025[0]["RECURRENCE-ID"].dt == at(2025, 6, 15)
    assert str(joint_2025[0]["SUMMARY"]) == series["joint_2025"].title
    assert b"RECURRENCE-ID;TZID=Asia/Shanghai:20250615T093000\r\n" in body


def test_cancelled_meeting_is_cancelled_in_every_output(partnership, joint, series):
    cancelled = series["joint_2026"]
    feed = feeds.partnership_calendar(partnership).body
    events = occurrences(feed, date(2026, 1, 1), date(2027, 1, 1))
    joint_2026 = [e for e in events if str(e["UID"]) == ics.series_uid(joint)]
    single = Calendar.from_ical(feeds.meeting_calendar(cancelled).body).walk("VEVENT")[0]

    assert [str(e["STATUS"]) for e in joint_2026] == ["CANCELLED"]
    assert str(single["STATUS"]) == "CANCELLED"
    statuses = {str(e["SUMMARY"]): str(e["STATUS"]) for e in occurrences(feed)}
    assert statuses[series["joint_2025"].title] == "CONFIRMED"
    assert statuses[series["joint_2024"].title] == "CONFIRMED"


def test_until_is_written_in_utc(partnership):
    mechanism = MechanismFactory(
        partnership=partnership, rrule="FREQ=YEARLY;UNTIL=20301231", first_date=date(2024, 6, 1)
    )
    body = feeds.partnership_calendar(partnership).body

    check_feed(body)
    assert b"RRULE:FREQ=YEARLY;UNTIL=20301231T155959Z\r\n" in body
    years = per_year(
        occurrences(body, date(2024, 1, 1), date(2035, 1, 1)), ics.series_uid(mechanism)
    )
    assert sorted(years) == list(range(2024, 2031))


def test_same_bytes_while_nothing_changed(partnership, series):
    first = feeds.partnership_calendar(partnership)
    again = feeds.partnership_calendar(partnership)

    assert first.body == again.body
    assert first.etag == again.etag
    single = feeds.meeting_calendar(series["signing"]).body
    assert single == feeds.meeting_calendar(series["signing"]).body


def test_single_meeting_calendar_has_all_a_client_needs(settings, secretariat):
    settings.SITE_URL = "https://liaison.example.cn"
    item = MeetingFactory(
        title="第三次联席会议",
        city="吐鲁番市",
        venue="市政府二楼会议室",
        description="研究；推进，落实",
    )
    services.add_agenda_item(item, actor=secretariat, title="审议2026年工作要点", presenter="张健")
    services.add_agenda_item(item, actor=secretariat, title="签约仪式", duration_minutes=30)
    item.refresh_from_db()
    body = feeds.meeting_calendar(item).body

    cal = check_feed(body)
    vevent = cal.walk("VEVENT")[0]
    assert str(vevent["UID"]) == str(item.uid)
    assert vevent["SEQUENCE"] == item.sequence
    assert vevent["DTSTAMP"].dt == item.updated_at.astimezone(UTC).replace(microsecond=0)
    assert vevent["DTSTART"].dt == item.start
    assert str(vevent["DTSTART"].params["TZID"]) == "Asia/Shanghai"
    assert str(vevent["LOCATION"]) == "吐鲁番市 · 市政府二楼会议室"
    assert str(vevent["URL"]) == f"https://liaison.example.cn/meetings/{item.pk}/"
    text = str(vevent["DESCRIPTION"])
    assert "北京时间（UTC+8）" in text
    assert "1. 审议2026年工作要点（张健）" in text
    assert "2. 签约仪式（30 分钟）" in text
    assert "研究；推进，落实" in text
    assert b"\xef\xbc\x9b" in body  # the full-width semicolon is text, not an escape
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert "ATTENDEE" not in vevent


def test_uid_stays_and_sequence_rises_on_calendar_changes(secretariat):
    item = MeetingFactory()
    uid = str(item.uid)

    sequences = []
    place = {"venue": item.venue, "city": item.city}
    for field, value in [
        ("start", item.start + timedelta(days=1)),
        ("venue", "新会场"),
        ("title", "新标题"),
    ]:
        if field == "title":
            item.title = value
            services.save_meeting(item, actor=secretariat)
        else:
            start = value if field == "start" else item.start
            place.update({field: value} if field == "venue" else {})
            item = services.reschedule_meeting(
                item, start=start, end=start + timedelta(hours=3), actor=secretariat, **place
            )
        event = Calendar.from_ical(feeds.meeting_calendar(item).body).walk("VEVENT")[0]
        sequences.append(event["SEQUENCE"])
        assert str(event["UID"]) == uid
    services.cancel_meeting(item, reason="取消", actor=secretariat)
    event = Calendar.from_ical(feeds.meeting_calendar(item).body).walk("VEVENT")[0]
    sequences.append(event["SEQUENCE"])

    assert sequences == [1, 2, 3, 4]
    assert str(event["STATUS"]) == "CANCELLED"


def test_postponed_meeting_is_tentative():
    item = MeetingFactory(status=Meeting.Status.POSTPONED, status_reason="天气原因")
    vevent = Calendar.from_ical(feeds.meeting_calendar(item).body).walk("VEVENT")[0]

    assert str(vevent["STATUS"]) == "TENTATIVE"
    assert "天气原因" in str(vevent["DESCRIPTION"])


@pytest.mark.parametrize("width", range(0, 80, 1))
def test_folding_never_splits_an_escape_or_a_character(width):
    title = "会" * (width % 25) + "x" * width + "\\;,\\\\" + "议，程;" * 10
    item = MeetingFactory(title=title[:200], venue="a\\b" * 20, description="\\" * width)

    check_feed(feeds.meeting_calendar(item).body)


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        ics.beijing(datetime(2026, 1, 1, 9, 0))


def test_personal_calendar_shows_own_answer_and_nothing_of_others(
    member_a, member_b, enterprise_a, enterprise_b
):
    member_a.email = "a@example.cn"
    member_a.save()
    mine = MeetingFactory(title="甲企业受邀会议")
    theirs = MeetingFactory(title="乙企业受邀会议")
    draft = MeetingFactory(title="草稿会议", status=Meeting.Status.DRAFT)
    own = InvitationFactory(meeting=mine, organisation=enterprise_a)
    InvitationFactory(meeting=mine, organisation=enterprise_b)
    InvitationFactory(meeting=theirs, organisation=enterprise_b)
    InvitationFactory(meeting=draft, organisation=enterprise_a)
    services.record_rsvp(
        own,
        status=Invitation.Status.ACCEPTED,
        attendees=[{"name": "张三"}],
        actor=member_a,
        channel=Invitation.Channel.PAGE,
        now=datetime(2026, 12, 1, tzinfo=UTC),
    )
    token = liaison_services.calendar_token_for(member_a)

    body = feeds.personal_calendar(token).body

    cal = check_feed(body)
    events = cal.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["甲企业受邀会议"]
    attendees = events[0]["ATTENDEE"]
    assert not isinstance(attendees, list)
    assert str(attendees) == "mailto:a@example.cn"
    assert attendees.params["PARTSTAT"] == "ACCEPTED"
    assert "您的回执：参加" in str(events[0]["DESCRIPTION"])
    assert "乙企业" not in body.decode()
    assert "VALARM" not in body.decode()
    assert body.count(b"ATTENDEE") == 1


def test_personal_calendar_reminder_when_switched_on(member_a, enterprise_a):
    InvitationFactory(meeting=MeetingFactory(), organisation=enterprise_a)
    InvitationFactory(
        meeting=MeetingFactory(status=Meeting.Status.CANCELLED), organisation=enterprise_a
    )
    token = liaison_services.set_calendar_reminder(member_a, minutes=60, actor=member_a)

    cal = check_feed(feeds.personal_calendar(token).body)

    alarms = cal.walk("VALARM")
    assert len(alarms) == 1  # not on the cancelled meeting
    assert alarms[0]["TRIGGER"].dt == -timedelta(hours=1)
    assert str(alarms[0]["ACTION"]) == "DISPLAY"


def test_person_invitation_wins_over_organisation_invitation(member_a, enterprise_a):
    person = PersonFactory(organisation=enterprise_a, user=member_a, email="zhang@example.cn")
    item = MeetingFactory()
    InvitationFactory(meeting=item, organisation=enterprise_a)
    InvitationFactory(meeting=item, organisation=None, person=person)
    member_a.email = ""
    member_a.save()
    token = liaison_services.calendar_token_for(member_a)

    cal = check_feed(feeds.personal_calendar(token).body)

    (event,) = cal.walk("VEVENT")
    assert str(event["ATTENDEE"]) == "mailto:zhang@example.cn"
    assert event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"


def test_empty_calendar_is_valid(member_b):
    token = liaison_services.calendar_token_for(member_b)
    body = feeds.personal_calendar(token).body

    cal = check_feed(body)
    assert cal.walk("VEVENT") == []


def test_agenda_change_changes_last_modified(partnership, series, secretariat):
    before = feeds.partnership_calendar(partnership)
    services.add_agenda_item(series["signing"], actor=secretariat, title="新议程")
    after = feeds.partnership_calendar(partnership)

    assert after.body != before.body
    assert after.last_modified >= before.last_modified
    assert AgendaItem.objects.count() == 1


def _queries(build) -> int:

    with CaptureQueriesContext(connection) as context:
        build()
    return len(context.captured_queries)


@pytest.mark.parametrize("kind", ["partnership", "personal"])
def test_feed_query_count_does_not_grow_with_meetings(partnership, joint, member_a, kind):
    token = liaison_services.calendar_token_for(member_a)

    def add_meetings(count, year):
        for offset in range(count):
            item = meeting(partnership, at(year, 3, 1 + offset), mechanism=joint)
            AgendaItem.objects.create(meeting=item, title="议程")
            InvitationFactory(meeting=item, organisation=member_a.organisation)

    def build():
        cache.clear()  # a cold build, not the cached bytes
        if kind == "partnership":
            return feeds.partnership_calendar(partnership)
        return feeds.personal_calendar(token)

    add_meetings(1, 2024)
    build()  # content types are cached from then on
    one = _queries(build)
    add_meetings(2, 2025)
    three = _queries(build)

    assert one == three, (one, three)


@pytest.mark.parametrize(
    ("start", "end", "line"),
    [
        (
            datetime(2026, 12, 18, 1, 0, tzinfo=UTC),
            datetime(2026, 12, 18, 9, 0, tzinfo=UTC),
            "时间：2026-12-18 09:00–17:00，北京时间（UTC+8）",
        ),
        (
            datetime(2026, 12, 17, 1, 0, tzinfo=UTC),
            datetime(2026, 12, 19, 10, 0, tzinfo=UTC),
            "时间：2026-12-17 09:00 – 2026-12-19 18:00，北京时间（UTC+8）",
        ),
    ],
    ids=["one day", "several days"],
)
def test_description_time_line_spaces_the_dash_between_two_dates(start, end, line):
    meeting = MeetingFactory(start=start, end=end)
    text = str(check_feed(feeds.meeting_calendar(meeting).body).walk("VEVENT")[0]["DESCRIPTION"])
    assert line in text.splitlines()
