"""Benchmark the list pages and endpoints on a scratch database.

    .venv/bin/python bench/run.py [--organisations 2000] [--meetings 500] [--repeat 20]

Prints, per URL, the median and 95th-percentile time of a request through Django's test client
and its number of queries. Uses a throw-away SQLite file (or DATABASE_URL if set) so real data
is never touched. Numbers are for comparison between commits on the same machine.
"""

import argparse
import os
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
    parser.add_argument("--organisations", type=int, default=2000)
    parser.add_argument("--meetings", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="liaison-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    os.environ["DEBUG"] = "1"
    # Function-level imports: the settings come from the environment set just above.
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    user, partnership = populate(args.organisations, args.meetings)
    client = Client()
    client.force_login(user)

    urls = [
        "/",
        "/organisations/",
        "/organisations/?q=企业",
        f"/partnerships/{partnership.pk}/",
        f"/associations/{partnership.associations.get().pk}/",
        "/meetings/",
        "/dashboard/",
        "/reports/",
        "/api/v1/organisations/",
        "/api/v1/organisations/?search=企业",
        "/api/v1/people/",
        "/api/v1/memberships/",
        "/api/v1/meetings/",
    ]
    print(
        f"{args.organisations} organisations, {args.meetings} meetings, "
        f"{args.repeat} requests each, database {connection.vendor}"
    )
    print(f"{'URL':45} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for url in urls:
        timings = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        print(f"{url:45} {statistics.median(timings):10.1f} {p95:8.1f} {len(queries):8d}")


def populate(organisations: int, meetings: int):
    # Function-level: Django is set up by main() before the models can be imported.
    from liaison.models import (
        Association,
        Mechanism,
        Membership,
        Organisation,
        Partnership,
        Person,
        Region,
        Sector,
        User,
    )
    from meetings.models import Meeting

    province = Region.objects.create(name="湖南省", code="430000", level="province")
    city = Region.objects.create(name="长沙市", code="430100", level="prefecture", parent=province)
    sector = Sector.objects.create(name="现代农业")
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"基准企业{n}有限公司", kind="enterprise", region=city, sector=sector)
        for n in range(organisations)
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
    association = Association.objects.create(partnership=partnership, name="互助联谊会")
    Membership.objects.bulk_create(
        Membership(association=association, organisation=org, joined_on=date(2024, 1, 1))
        for org in orgs[: organisations // 2]
    )
    start = datetime(2024, 1, 1, 1, tzinfo=UTC)
    Meeting.objects.bulk_create(
        Meeting(
            partnership=partnership,
            mechanism=mechanism,
            title=f"会议{n}",
            kind="other",
            start=start + timedelta(days=n),
            end=start + timedelta(days=n, hours=2),
            status="held" if n % 2 else "scheduled",
        )
        for n in range(meetings)
    )
    user = User.objects.create_user("bench", password="bench-password-1", role="official")
    return user, partnership


if __name__ == "__main__":
    main()
