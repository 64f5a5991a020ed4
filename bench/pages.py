"""The dashboard and the partnership page at 1× and 4× the meetings, in one run (issue 15).

    .venv/bin/python bench/pages.py [--repeat 15] [--rounds 3] [--explain]

Seeds ``bench/budgets.py``'s data (500 meetings of one yearly mechanism, 200,500 invitations,
201,000 audit rows) on a scratch database (a throw-away SQLite file, or a fresh database on the
PostgreSQL server of DATABASE_URL, dropped afterwards) and runs ANALYZE, so the planner works
from real statistics. Then, ``--rounds`` times: times both pages at 1× (500 meetings), adds
1,500 meetings of the same mechanism (4×), runs ANALYZE, times both again, and removes them.

Each page is requested ``--repeat`` times (after a warm-up) through Django's whole handler
(middleware, view, template) in this process, DEBUG off, signed in as an official: the time
spent serving, without the network. Prints the median wall time (it includes the database's
work, which on PostgreSQL happens in another process) and the median CPU time of this process
per request, the ratio 4×/1× of each round and the median ratio, with pass/fail against the
issue's target (flat within 1.3×). The machine may be shared: rounds alternate 1× and 4×, so
what else runs weighs on both. ``--explain`` prints the database's plan of the query that picks
each mechanism's deciding meetings, at 4×.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import answers  # bench/ is not a package: its folder is put on the path above
import budgets

TARGET = 1.3
EXTRA_MEETINGS = 1500  # 500 seeded + 1,500 = 4×


def time_pages(client, paths: list[str], *, repeat: int) -> dict[str, tuple[float, float]]:
    """Per path, the median wall and CPU time of ``repeat`` requests (after one warm-up), in
    ms; the paths are interleaved so that a busy moment weighs on each alike."""
    wall = {path: [] for path in paths}
    cpu = {path: [] for path in paths}
    for n in range(repeat + 1):
        for path in paths:
            began, began_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            elapsed = (time.perf_counter() - began) * 1000
            elapsed_cpu = (time.process_time() - began_cpu) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code}, not 200")
            if n:
                wall[path].append(elapsed)
                cpu[path].append(elapsed_cpu)
    return {p: (statistics.median(wall[p]), statistics.median(cpu[p])) for p in paths}


def explain_deciding_meetings(data: dict) -> None:
    """The plan of the (last) query that picks the deciding meetings, as the pages ask it."""
    # Function-level imports: Django is set up by the caller first.
    from datetime import date

    from django.db import connection
    from django.utils import timezone

    from liaison.models import Mechanism, attach_deciding_meetings
    from meetings.models import Meeting

    executed = []

    def keep(execute, sql, params, many, context):
        executed.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        attach_deciding_meetings(
            Mechanism.objects.all(),
            Meeting.objects.visible_to(data["official"]),
            end=date(timezone.localdate().year + 4, 12, 31),
        )
    sql, params = executed[-1]
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        print("\nplan of the deciding meetings' query at 4×:")
        for row in cursor.fetchall():
            print("  ", row[-1])


def measure(data: dict, *, repeat: int, rounds: int, explain: bool) -> dict[str, list[tuple]]:
    """Per page, each round's ((wall, cpu) at 1×, (wall, cpu) at 4×)."""
    # Function-level imports: Django is set up by the caller first.
    from django.test import Client

    from meetings.models import Meeting

    client = Client(headers={**answers.PROXY, "Host": "127.0.0.1"})
    client.force_login(data["official"])
    paths = ["/dashboard/", f"/partnerships/{data['partnership'].pk}/"]
    results = {path: [] for path in paths}
    for _round in range(rounds):
        one = time_pages(client, paths, repeat=repeat)
        added = budgets.add_meetings(
            data["partnership"], data["mechanism"], EXTRA_MEETINGS, offset=500
        )
        budgets.analyze()
        four = time_pages(client, paths, repeat=repeat)
        if explain and not _round:
            explain_deciding_meetings(data)
        Meeting.objects.filter(pk__in=[m.pk for m in added]).delete()
        budgets.analyze()
        for path in paths:
            results[path].append((one[path], four[path]))
    return results


def report(results: dict[str, list[tuple]]) -> list[tuple[str, float, bool]]:
    verdicts = []
    for path, rounds in results.items():
        print(f"\n{path}")
        print(
            f"  {'round':>5} {'1× wall':>9} {'4× wall':>9} {'ratio':>6}   {'1× CPU':>8} {'4× CPU':>8}"
        )
        ratios = []
        for n, ((one, one_cpu), (four, four_cpu)) in enumerate(rounds, 1):
            ratios.append(four / one)
            print(
                f"  {n:5d} {one:9.1f} {four:9.1f} {four / one:5.2f}×   {one_cpu:8.1f} "
                f"{four_cpu:8.1f} ({four_cpu / one_cpu:.2f}×)"
            )
        ratio = statistics.median(ratios)
        verdicts.append((path, ratio, ratio <= TARGET))
    print()
    for path, ratio, passed in verdicts:
        print(
            f"{path:24} at 4× the meetings: {ratio:.2f}× (≤ {TARGET}×)  {'pass' if passed else 'FAIL'}"
        )
    return verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()

    database_url, drop = answers.scratch_database()
    try:
        environment = answers.server_environment(database_url)
        answers.setup_django(environment)
        # Function-level import: Django is set up just above.
        from django.db import connection

        started = time.perf_counter()
        data = budgets.seed()
        budgets.analyze()
        print(f"seeded {data['counts']} in {time.perf_counter() - started:.0f} s")
        print(
            f"database {connection.vendor}, DEBUG off, in-process handler, {args.repeat} requests"
        )
        report(measure(data, repeat=args.repeat, rounds=args.rounds, explain=args.explain))
        connection.close()
    finally:
        drop()


if __name__ == "__main__":
    main()
