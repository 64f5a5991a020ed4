"""Time the calendar feeds against their targets (issue 15), interleaved in one run.

    .venv/bin/python bench/feeds.py [--meetings 200] [--invitations 100] [--audit 200000]
                                    [--repeat 30] [--explain]

Seeds a throw-away database (SQLite file, or DATABASE_URL if set: give it a scratch database)
with one partnership, ``--meetings`` published meetings (two agenda items each), each inviting
``--invitations`` organisations, and ``--audit`` audit entries, nearly all of invitations and
newer than every other kind (the answers of a sign-up rush). Then measures, one request of each
line in turn, ``--repeat`` rounds, through Django's test client with DEBUG off:

- a plain icalendar build of the same rows (the meetings and their agenda read by the ORM, one
  Event each, ``to_ical()``, no VTIMEZONE): the yardstick the cold feed is held to;
- the subscriber's personal feed (every meeting) cold (the feed cache emptied first), warm
  (from the cache), and answered 304 from ``If-None-Match`` and from ``If-Modified-Since``;
- the single-meeting ``.ics`` (cold) and the meeting's page;
- the feed's latest-change query, and the shape it replaced (``MAX(at) WHERE content_type
  IN (…)``).

Prints the median and 95th percentile of each in ms, the feed's ratio to the plain build and
each target with pass/fail. The machine may be shared: the ratios measured in the same run
are what compare. ``--explain`` prints the database's plan of the latest-change query.
"""

import argparse
import cProfile
import os
import pstats
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=200)
    parser.add_argument("--invitations", type=int, default=100)
    parser.add_argument("--audit", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--profile", action="store_true", help="profile ten cold feeds")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="liaison-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    os.environ["DEBUG"] = "0"
    # A production-like process behind its proxy: the key is thrown away with the database.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["MEDIA_ROOT"] = f"{scratch}/media"
    os.environ["STATIC_ROOT"] = f"{scratch}/static"
    # Function-level imports: the settings come from the environment set just above.
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Max
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from liaison import services as liaison_services
    from liaison.models import AuditEntry, Mechanism, Partnership, User
    from meetings.calendars import feeds
    from meetings.models import AgendaItem, Meeting

    settings.ALLOWED_HOSTS = ["testserver"]
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    # The page links its files by their hashed names, as in production: collected in the scratch.
    call_command("collectstatic", interactive=False, verbosity=0)
    member, meeting = populate(args.meetings, args.invitations, args.audit)
    token = liaison_services.calendar_token_for(member)
    official = User.objects.create_user(
        "bench-official", password="bench-password-1", role="official"
    )
    officials_url = reverse(
        "calendar-officials-feed", args=[liaison_services.calendar_token_for(official).key]
    )
    print(
        f"{args.meetings} meetings × {args.invitations} invitations, {args.audit} audit entries, "
        f"database {connection.vendor}, seeded in {time.perf_counter() - started:.0f} s, "
        f"{os.cpu_count()} CPUs"
    )

    feed_url = reverse("calendar-personal-feed", args=[token.key])
    ics_url = reverse("meeting-ics", args=[meeting.pk])
    page_url = reverse("meeting-detail", args=[meeting.pk])
    # A Last-Modified is only given once the second of the last change is over.
    time.sleep(1.1)
    anonymous, reader = Client(), Client()
    reader.force_login(member)
    first = anonymous.get(feed_url)
    assert first.status_code == 200, first.status_code
    assert first.content.count(b"BEGIN:VEVENT") == args.meetings, "the feed lacks meetings"
    etag, last_modified = first["ETag"], first["Last-Modified"]

    def get(client, url, status=200, **headers):
        def run():
            response = client.get(url, **headers)
            assert response.status_code == status, (url, response.status_code)

        return run

    def cold(run):
        def again():
            cache.clear()
            run()

        return again

    published_types = ContentType.objects.get_for_models(
        Meeting, AgendaItem, Mechanism, Partnership, for_concrete_models=False
    )

    def old_latest_change():
        AuditEntry.objects.filter(content_type__in=published_types.values()).aggregate(at=Max("at"))

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _n in range(10):
            cold(get(anonymous, feed_url))()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return

    lines = {
        "plain icalendar build": lambda: plain_build(member),
        "feed, cold": cold(get(anonymous, feed_url)),
        "feed, warm (cached)": get(anonymous, feed_url),
        "officials' feed (series), cold": cold(get(anonymous, officials_url)),
        "feed 304, If-None-Match": get(anonymous, feed_url, 304, HTTP_IF_NONE_MATCH=etag),
        "feed 304, If-Modified-Since": get(
            anonymous, feed_url, 304, HTTP_IF_MODIFIED_SINCE=last_modified
        ),
        "single .ics, cold": cold(get(reader, ics_url)),
        "meeting page": get(reader, page_url),
        "latest change, personal feed": lambda: feeds.personal_version(token),
        "latest change, partnership feed": lambda: feeds.partnership_version(meeting.partnership),
        "partnership's, old shape": old_latest_change,
    }
    for run in lines.values():  # warm-up: content types, URL patterns, the VTIMEZONE
        run()
    timings = {name: [] for name in lines}
    for _round in range(args.repeat):
        for name, run in lines.items():
            began = time.perf_counter()
            run()
            timings[name].append((time.perf_counter() - began) * 1000)

    figures = {}
    print(f"{'':34} {'median ms':>10} {'p95 ms':>8}")
    for name, values in timings.items():
        values.sort()
        median = statistics.median(values)
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        figures[name] = median
        print(f"{name:34} {median:10.2f} {p95:8.2f}")

    ratio = figures["feed, cold"] / figures["plain icalendar build"]
    targets = [
        ("cold feed ≤ 1.5 × plain build", f"{ratio:.2f} ×", ratio <= 1.5),
        (
            "304 (If-None-Match) ≤ 5 ms",
            f"{figures['feed 304, If-None-Match']:.2f} ms",
            figures["feed 304, If-None-Match"] <= 5,
        ),
        (
            "304 (If-Modified-Since) ≤ 5 ms",
            f"{figures['feed 304, If-Modified-Since']:.2f} ms",
            figures["feed 304, If-Modified-Since"] <= 5,
        ),
        (
            "single .ics ≤ the meeting page",
            f"{figures['single .ics, cold']:.2f} / {figures['meeting page']:.2f} ms",
            figures["single .ics, cold"] <= figures["meeting page"],
        ),
    ]
    print()
    for target, measured, passed in targets:
        print(f"{target:34} {measured:>18}  {'pass' if passed else 'FAIL'}")

    if args.explain:
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
        for build in (
            lambda: feeds.personal_version(token),
            lambda: feeds.partnership_version(meeting.partnership),
            old_latest_change,
        ):
            with CaptureQueriesContext(connection) as captured:
                build()
            (query,) = captured.captured_queries
            with connection.cursor() as cursor:
                cursor.execute(prefix + query["sql"])
                print("\n" + query["sql"])
                for row in cursor.fetchall():
                    print("  ", " | ".join(str(cell) for cell in row))


def plain_build(member=None) -> bytes:
    """The yardstick: the same meetings and agenda read by the ORM, one plain icalendar Event
    each, serialised. No feed rules, no VTIMEZONE. With a member, that member's organisation's
    meetings (the personal feed); without, every meeting not a draft (the officials' feed)."""
    # Function-level: Django is set up by main() before the models can be imported.
    from django.db.models import Prefetch
    from icalendar import Calendar, Event

    from meetings.models import AgendaItem, Invitation, Meeting

    if member is None:
        chosen = Meeting.objects.exclude(status="draft")
    else:
        invited = Invitation.objects.filter(organisation=member.organisation)
        chosen = Meeting.objects.filter(pk__in=invited.values("meeting_id"))
    meetings = (
        chosen.select_related("partnership", "mechanism")
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position", "pk"))
        )
        .order_by("start", "pk")
    )
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//bench//plain//ZH")
    for meeting in meetings:
        event = Event()
        event.add("uid", str(meeting.uid))
        event.add("dtstamp", meeting.updated_at)
        event.add("dtstart", meeting.start)
        event.add("dtend", meeting.end)
        event.add("summary", meeting.title)
        event.add("location", f"{meeting.city} · {meeting.venue}")
        agenda = "\n".join(item.title for item in meeting.agenda_items.all())
        event.add("description", f"{meeting.description}\n{agenda}")
        event.add("url", f"https://example.cn/meetings/{meeting.pk}/")
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


def populate(meetings: int, invitations: int, audit_entries: int):
    """The partnership, its meetings and invitations, the audit trail; returns a member of the
    first organisation (invited to every meeting) and one meeting."""
    # Function-level: Django is set up by main() before the models can be imported.
    from django.contrib.contenttypes.models import ContentType

    from liaison.models import (
        AuditEntry,
        Mechanism,
        Organisation,
        Partnership,
        Person,
        Region,
        Sector,
        User,
    )
    from meetings.models import AgendaItem, Invitation, Meeting

    province = Region.objects.create(name="湖南省", code="430000", level="province")
    city = Region.objects.create(name="长沙市", code="430100", level="prefecture", parent=province)
    sector = Sector.objects.create(name="现代农业")
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"基准企业{n}有限公司", kind="enterprise", region=city, sector=sector)
        for n in range(max(invitations, 2))
    )
    Person.objects.bulk_create(
        Person(name=f"联络员{n}", organisation=org, is_liaison=True, phone="13800000000")
        for n, org in enumerate(orgs)
    )
    partnership = Partnership.objects.create(
        name="基准合作", party_a=orgs[0], party_b=orgs[1], started_on=date(2023, 12, 1)
    )
    mechanism = Mechanism.objects.create(
        partnership=partnership,
        kind="joint_meeting",
        name="联席会议",
        rrule="FREQ=YEARLY",
        first_date=date(2024, 6, 1),
    )
    start = datetime(2025, 1, 6, 1, tzinfo=UTC)
    rows = Meeting.objects.bulk_create(
        Meeting(
            partnership=partnership,
            mechanism=mechanism if n % 10 == 0 else None,
            title=f"第{n}次专题会议：湘吐产业合作与项目对接",
            kind="other",
            start=start + timedelta(days=2 * n),
            end=start + timedelta(days=2 * n, hours=3),
            city="吐鲁番市",
            venue="市政府三楼会议室",
            description="围绕产业援疆、文旅合作和农产品进湘开展交流，确定下一阶段的重点项目。",
            status="held" if n % 3 == 0 else "scheduled",
        )
        for n in range(meetings)
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, title=title, position=position, presenter="秘书处")
        for meeting in rows
        for position, title in enumerate(("通报上次会议决定的落实情况", "审议年度合作项目清单"))
    )
    Invitation.objects.bulk_create(
        (
            Invitation(meeting=meeting, organisation=org)
            for meeting in rows
            for org in orgs[:invitations]
        ),
        batch_size=5000,
    )
    types = ContentType.objects.get_for_models(Meeting, Invitation, for_concrete_models=False)
    older, now = datetime(2025, 1, 1, tzinfo=UTC), datetime.now(UTC)
    # The meetings' entries are old; the invitations' (answers) all newer: the old query shape
    # walked the ``at`` index past every one of these.
    AuditEntry.objects.bulk_create(
        (
            AuditEntry(
                content_type=types[Meeting] if n < meetings else types[Invitation],
                object_id=str(n),
                object_repr="基准",
                action="update",
                at=(older if n < meetings else now) - timedelta(seconds=audit_entries - n),
            )
            for n in range(audit_entries)
        ),
        batch_size=5000,
    )
    member = User.objects.create_user(
        "bench-member",
        password="bench-password-1",
        role="member",
        organisation=orgs[0],
        email="member@example.cn",
    )
    return member, rows[len(rows) // 2]


if __name__ == "__main__":
    main()
