"""The performance budgets of issue 15, measured against a real server: ``make bench``.

    .venv/bin/python bench/budgets.py [--repeat 15] [--clients 60] [--no-rush] [--no-ledger]

Seeds the issue's data with bulk_create on a scratch database (a throw-away SQLite file, or a
fresh database on the PostgreSQL server of DATABASE_URL): 2,000 organisations, 500 meetings,
200,500 invitations, 67,000 attendees and 201,000 audit rows, then ANALYZE; starts gunicorn
with 3 sync workers and DEBUG off, as the README's production line; and prints, for each line of
the issue's table, the figure measured now, the target and pass/fail. Ratios are measured in the
same run: the cold feed against a plain icalendar build, the single ``.ics`` against the meeting
page, the pages at 4× the meetings against 1× (``bench/pages.py`` alternates the two in rounds).
The feed is the officials' (every meeting; it must hold events before it is timed); its 304 is
timed by the client over HTTP and in the worker (gunicorn's access log). The answers are
``bench/answers.py``'s rush: each way's capacity (60 clients as fast as served) against the
rush's rate, and its latency with answers arriving at that rate. Timings depend on the machine
and on what else runs on it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import answers  # bench/ is not a package: its folder is put on the path above
import feeds

PROXY = answers.PROXY


def seed(organisations: int = 2000, meetings: int = 500, per_meeting: int = 401):
    """The issue's data; returns what the measurements need."""
    # Function-level imports: Django is set up by the caller first.
    from django.contrib.contenttypes.models import ContentType

    from liaison.models import (
        AuditEntry,
        CalendarToken,
        Mechanism,
        Organisation,
        Partnership,
        Region,
        User,
    )
    from meetings.models import Attendee, Invitation

    region = Region.objects.create(name="长沙市", code="430100", level="prefecture")
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"基准企业{n}有限公司", kind="enterprise", region=region)
        for n in range(organisations)
    )
    partnership = Partnership.objects.create(
        name="基准合作", party_a=orgs[0], party_b=orgs[1], started_on=datetime(2020, 1, 1).date()
    )
    mechanism = Mechanism.objects.create(
        partnership=partnership,
        kind="joint_meeting",
        name="联席会议",
        rrule="FREQ=YEARLY",
        first_date=datetime(2020, 6, 1).date(),
    )
    made = add_meetings(partnership, mechanism, meetings, offset=0)
    answered = datetime.now(UTC)
    invitations = Invitation.objects.bulk_create(
        (
            Invitation(
                meeting=meeting,
                organisation=orgs[(m * 7 + k) % organisations],
                status="accepted" if k < 134 else "pending",
                answered_at=answered if k < 134 else None,
                answered_via="link" if k < 134 else "",
            )
            for m, meeting in enumerate(made)
            for k in range(per_meeting)
        ),
        batch_size=5000,
    )
    accepted = [i for i in invitations if i.status == "accepted"]
    Attendee.objects.bulk_create(
        (Attendee(invitation=i, name=f"参会人{i.pk}", position=0) for i in accepted),
        batch_size=5000,
    )
    kind = ContentType.objects.get_for_model(Invitation)
    now = datetime.now(UTC)
    AuditEntry.objects.bulk_create(
        (
            AuditEntry(
                content_type=kind,
                object_id=str(i.pk),
                object_repr="回执",
                action="update",
                at=now - timedelta(seconds=n),
                changes={},
            )
            for n, i in enumerate(itertools.islice(itertools.cycle(invitations), 201_000))
        ),
        batch_size=5000,
    )
    official = User.objects.create_user("bench-official", role="official")
    token = CalendarToken.objects.create(user=official)
    return {
        "partnership": partnership,
        "mechanism": mechanism,
        "official": official,
        "feed_key": token.key,
        "meeting": made[-1],
        "counts": {
            "organisations": len(orgs),
            "meetings": len(made),
            "invitations": len(invitations),
            "attendees": len(accepted),
            "audit rows": AuditEntry.objects.count(),
        },
    }


def analyze() -> None:
    """Fresh planner statistics (SQLite's sqlite_stat1, PostgreSQL's pg_statistic), as a
    database in service has them, so that the plans measured are the real ones."""
    # Function-level import: Django is set up by the caller first.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def add_meetings(partnership, mechanism, count: int, *, offset: int):
    # Function-level import: Django is set up by the caller first.
    from meetings.models import Meeting

    start = datetime(2022, 1, 3, 1, tzinfo=UTC)
    return Meeting.objects.bulk_create(
        Meeting(
            partnership=partnership,
            mechanism=mechanism,
            title=f"会议{offset + n}",
            kind="other",
            start=start + timedelta(hours=7 * (offset + n)),
            end=start + timedelta(hours=7 * (offset + n) + 2),
            status="held" if (offset + n) % 2 else "scheduled",
        )
        for n in range(count)
    )


def session_cookie(user) -> str:
    """A signed-in session for ``user``, as the login page would leave it."""
    # Function-level imports: Django is set up by the caller first.
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def worker_times(log: Path, start: int, path: str, status: int) -> list[float]:
    """The times (ms) the gunicorn workers spent on the requests of ``path`` answered with
    ``status``, from the access log written after byte ``start``."""
    with log.open("rb") as lines:
        lines.seek(start)
        times = []
        for line in lines.read().decode().splitlines():
            logged_path, logged_status, micros = line.split()
            if logged_path == path and logged_status == str(status):
                times.append(int(micros) / 1000)
    return times


def timed(base: str, path: str, *, repeat: int, headers=None, expect=200) -> float:
    """The median time of ``repeat`` GETs (after one warm-up), in ms."""
    times = []
    with requests.Session() as client:
        for n in range(repeat + 1):
            started = time.perf_counter()
            response = client.get(base + path, headers={**PROXY, **(headers or {})}, timeout=120)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != expect:
                raise SystemExit(f"{path}: {response.status_code}, not {expect}")
            if n:
                times.append(elapsed)
    return statistics.median(times)


def cold_feed_and_plain_build(base: str, path: str, data, *, repeat: int) -> tuple[float, float]:
    """The median times of the officials' feed built afresh (a meeting is touched before each
    request, so no worker has it cached) and of a plain icalendar build of the same rows in
    this process, interleaved, in ms."""
    # Function-level import: Django is set up by the caller first.
    from meetings.models import Meeting

    touched = Meeting.objects.filter(pk=data["meeting"].pk)
    feed_times, plain_times, etags = [], [], set()
    with requests.Session() as client:
        for n in range(repeat + 1):
            touched.update(updated_at=datetime.now(UTC))
            started = time.perf_counter()
            response = client.get(base + path, headers=PROXY, timeout=120)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code}, not 200")
            if response.headers["ETag"] in etags:
                raise SystemExit(f"{path}: served an earlier version, not built afresh")
            etags.add(response.headers["ETag"])
            started = time.perf_counter()
            feeds.plain_build()
            built = (time.perf_counter() - started) * 1000
            if n:
                feed_times.append(elapsed)
                plain_times.append(built)
    return statistics.median(feed_times), statistics.median(plain_times)


# The rush's rates (issue: answers at the rate of a sign-up rush).
LINK_RATE, API_RATE = 150, 300


def line(work: str, today: str, target: str, measured: str, ok: bool | None) -> str:
    verdict = "n/a" if ok is None else "pass" if ok else "FAIL"
    return f"| {work} | {today} | {target} | {measured} | {verdict} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--clients", type=int, default=60)
    parser.add_argument("--no-rush", action="store_true", help="leave the answers' rush out")
    parser.add_argument("--no-ledger", action="store_true", help="leave the ledger report out")
    args = parser.parse_args()

    database_url, drop = answers.scratch_database()
    try:
        environment = answers.server_environment(database_url)
        answers.setup_django(environment)
        # Function-level import: Django is set up just above.
        from django.db import connection

        started = time.perf_counter()
        data = seed()
        analyze()
        print(f"seeded {data['counts']} in {time.perf_counter() - started:.0f} s")
        cookie = {"Cookie": f"sessionid={session_cookie(data['official'])}"}
        # Half of each for the capacity, half for the latency at the rush's rate.
        plan = None if args.no_rush else answers.seed(1200, 1200, capacity=800)
        rows = []
        access_log = Path(environment["DATA_DIR"]) / "access.log"
        server = answers.start_server(
            environment, workers=3, worker_class="sync", access_log=access_log
        )
        try:
            base = server.base
            feed = f"/meetings/calendar/officials/{data['feed_key']}.ics"
            with requests.get(base + feed, headers=PROXY, timeout=120) as first:
                events = first.content.count(b"BEGIN:VEVENT")
            if first.status_code != 200 or not events:
                raise SystemExit(f"{feed}: {first.status_code}, {events} events: nothing to time")
            cold, plain = cold_feed_and_plain_build(base, feed, data, repeat=args.repeat)
            with requests.get(base + feed, headers=PROXY, timeout=120) as first:
                conditional = {
                    k: v
                    for k, v in (
                        ("If-None-Match", first.headers.get("ETag")),
                        ("If-Modified-Since", first.headers.get("Last-Modified")),
                    )
                    if v
                }
            logged = access_log.stat().st_size
            not_modified = timed(base, feed, repeat=args.repeat, headers=conditional, expect=304)
            in_worker = statistics.median(worker_times(access_log, logged, feed, 304)[1:])
            # The floor of a 304 over HTTP here: a static file's, answered by WhiteNoise at the
            # top of the middleware stack (the client, gunicorn and the network's share).
            static = "/static/css/app.css"
            with requests.get(base + static, headers=PROXY, timeout=120) as first:
                static_etag = {"If-None-Match": first.headers["ETag"]}
            floor = timed(base, static, repeat=args.repeat, headers=static_etag, expect=304)
            meeting_page = timed(
                base, f"/meetings/{data['meeting'].pk}/", repeat=args.repeat, headers=cookie
            )
            single_ics = timed(
                base,
                f"/meetings/{data['meeting'].pk}/calendar.ics",
                repeat=args.repeat,
                headers=cookie,
            )
            pages = {
                "/dashboard/": [],
                f"/partnerships/{data['partnership'].pk}/": [],
            }
            for path, times in pages.items():
                times.append(timed(base, path, repeat=args.repeat, headers=cookie))
            add_meetings(data["partnership"], data["mechanism"], 1500, offset=500)
            analyze()
            for path, times in pages.items():
                times.append(timed(base, path, repeat=args.repeat, headers=cookie))
            rush = None
            if not args.no_rush:
                rush = answers.run(
                    base, plan, clients=args.clients, link_rate=LINK_RATE, api_rate=API_RATE
                )
        finally:
            server.stop()

        rows.append(
            line(
                f"officials' feed ({events} events), cold (ms)",
                "147–264",
                "≤ 1.5× a plain icalendar build",
                f"{cold:.1f} ({cold / plain:.2f}× the plain build's {plain:.1f})",
                cold <= 1.5 * plain,
            )
        )
        rows.append(
            line(
                "feed, 304 (ms)",
                "140–236",
                "≤ 5 ms",
                f"{not_modified:.1f} over HTTP (a static file's 304: {floor:.1f}), "
                f"{in_worker:.1f} in the worker ({not_modified / cold:.2f}× the cold feed)",
                not_modified <= 5,
            )
        )
        rows.append(
            line(
                "single-meeting .ics (ms)",
                "25–29",
                "≤ the meeting page",
                f"{single_ics:.1f} (meeting page {meeting_page:.1f})",
                single_ics <= meeting_page,
            )
        )
        if rush:
            state = rush["state"]
            for way, today, rate, rush_at in (
                ("signed link", "30–48/s, p95 0.9–1.2 s", LINK_RATE, rush["link_at"]),
                ("API", "—", API_RATE, rush["api_at"]),
            ):
                served = rush["link" if way == "signed link" else "api"]
                p95 = answers.percentile(rush_at.gets + rush_at.posts, 0.95) * 1000
                rows.append(
                    line(
                        f"answers by {way}, {args.clients} clients as fast as served",
                        today,
                        f"≥ {rate:g}/s, 0 lost",
                        f"{served.rate:.1f}/s, {len(served.errors)} errors, {state['lost']} lost",
                        served.rate >= rate and not served.errors and state["lost"] == 0,
                    )
                )
                rows.append(
                    line(
                        f"answers by {way} arriving at {rate:g}/s, {args.clients} clients",
                        "—",
                        "p95 < 150 ms, 0 lost",
                        f"p95 {p95:.0f} ms, {rush_at.rate:.1f}/s served, "
                        f"{len(rush_at.errors)} errors",
                        p95 < 150 and not rush_at.errors and state["lost"] == 0,
                    )
                )
            static, read = rush["static"], rush["read"]
            rows.append(
                line(
                    f"for comparison: the simplest requests, {args.clients} clients",
                    "—",
                    "—",
                    f"a static file {static.rate:.0f}/s; the invitation an answer returns, "
                    f"read through the API, {read.rate:.0f}/s",
                    None,
                )
            )
            rows.append(
                line(
                    "capacity",
                    "never exceeded",
                    "never exceeded",
                    f"{state['seats']} of {plan.capacity} seats",
                    not state["overfilled"],
                )
            )
        for path, (one, four) in pages.items():
            rows.append(
                line(
                    f"`{path.split('/')[1]}` at 4× the meetings (ms, over HTTP)",
                    "101 → 293 / 126 → 295",
                    "flat within 1.3×",
                    f"{one:.1f} → {four:.1f} ({four / one:.2f}×)",
                    four / one <= 1.3,
                )
            )
        if not args.no_ledger:
            ledger = ledger_budget()
            rows.append(
                line(
                    "ledger report, about 50 and 100 pages",
                    "96 pages 30.2 s, 568 MB",
                    "≤ 4 CPU s and < 500 MB for 100 pages, linear",
                    ledger["measured"],
                    ledger["passed"],
                )
            )
        print(f"database {connection.vendor}, gunicorn 3 × sync (the README's line), DEBUG off")
        print("| work | today (issue 15) | target | measured | |")
        print("| --- | --- | --- | --- | --- |")
        for row in rows:
            print(row)
        connection.close()
    finally:
        drop()


def ledger_budget() -> dict:
    """The ledger at about 50 and 100 pages, from ``bench/reports.py`` (its own SQLite scratch
    database with the demo and the extra projects, each render in a fresh process)."""
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).with_name("reports.py")),
            "--kinds",
            "ledger",
            "--json",
        ],
        env=environment,
        stdout=subprocess.PIPE,
        check=True,
    )
    return json.loads(result.stdout.decode().strip().splitlines()[-1])


if __name__ == "__main__":
    main()
