"""Answers at the rate of a sign-up rush: many invitees answering at once, against a real server.

    .venv/bin/python bench/answers.py [--clients 60] [--answers 600] [--api-answers 600]
                                      [--link-rate 150] [--api-rate 300]
                                      [--capacity 400] [--workers 3]
                                      [--worker-class sync|gthread] [--threads 8]

Seeds a meeting with invitations on a scratch database (a throw-away SQLite file, or a fresh
database on the PostgreSQL server of DATABASE_URL, dropped afterwards), starts gunicorn as the
README's production line does (DEBUG off, behind a proxy that says HTTPS), and lets ``--clients``
threads answer at once:

- through the signed link, as an invitee taps the mail's accept button: GET the answer page,
  then POST its confirm button (one answer = one GET + one POST);
- through the API (``POST /api/v1/invitations/<id>/answer/``), each member with its own token.

Each way is measured twice:

- **capacity**: the clients answer as fast as the server lets them (each sends its next answer
  as soon as the last is done); prints answers per second. Their latency here is no measure of
  the server: 60 clients that never pause wait 60 / rate seconds on average, whatever the server
  does (Little's law).
- **latency at the rush's rate** (``--link-rate``, ``--api-rate``): answers arrive at that
  steady rate, as invitees tapping their mails do, and one of the clients sends each at its
  time; a request's time counts from when it was due, so a server that falls behind shows its
  queue in the figure rather than slowing the clients down.

Then, for comparison, the same clients against the same server ask for the simplest things:
a static file (no view, no query), and the invitation an answer returns, read through the API
(the token, one read and the same serializer, without the answer's validation, lock and
writes): what the machine serves at most, whatever the answers cost.

Prints answers per second, the p50/p95 of each request, and checks afterwards that no answer
was lost (every invitation answered is recorded with the answer given) and that the seats taken
never exceed the capacity. Timings depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- The scratch database and the server --------------------------------------------------------


def scratch_database() -> tuple[str, callable]:
    """A DATABASE_URL for a throw-away database, and the function that removes it."""
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        # Function-level import: only needed with PostgreSQL.
        import psycopg

        parts = urlsplit(base)
        # Named after the database of DATABASE_URL, so that whose scratch database it is shows.
        name = f"{parts.path.strip('/') or 'liaison'}_bench_{uuid.uuid4().hex[:10]}"
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

        def drop():
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return urlunsplit(parts._replace(path=f"/{name}")), drop
    folder = tempfile.mkdtemp(prefix="liaison-bench-")
    return f"sqlite:///{folder}/bench.sqlite3", lambda: None


def server_environment(database_url: str) -> dict[str, str]:
    data = tempfile.mkdtemp(prefix="liaison-bench-data-")
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATA_DIR": data,
        "SITE_URL": "https://127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "liaison.settings",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOGIN_LOCKOUT_AFTER": "1000000",
    }


def setup_django(environment: dict[str, str]) -> None:
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT))
    # Function-level import: the settings come from the environment set just above.
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    base: str

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


ACCESS_LOG_FORMAT = "%(U)s %(s)s %(D)s"


def start_server(
    environment: dict[str, str],
    *,
    workers: int = 2,
    threads: int = 8,
    worker_class="gthread",
    access_log: Path | None = None,
) -> Server:
    """gunicorn as the README's production line, on a free port; waits until it answers.
    ``access_log``: each request's path, status and time in the worker (µs) are written there."""
    port = free_port()
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "liaison.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    if worker_class == "gthread":
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    if access_log:
        command += ["--access-logfile", str(access_log), "--access-logformat", ACCESS_LOG_FORMAT]
    log = open(Path(environment["DATA_DIR"]) / "gunicorn.log", "ab")  # noqa: SIM115
    process = subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=log, stderr=log, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/health/", timeout=10).status_code < 500:
                return Server(process, base)
        except requests.RequestException:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


# --- Seeding ------------------------------------------------------------------------------------


@dataclass
class Rush:
    meeting_id: int
    capacity: int
    links: list[tuple[int, str]]  # (invitation id, answer page path)
    api: list[tuple[int, str]]  # (invitation id, member's API token)


def seed(link_answers: int, api_answers: int, capacity: int) -> Rush:
    """One open meeting with ``capacity`` seats, and as many invited organisations (each with
    its liaison person and a member user with an API token) as answers to give."""
    # Function-level imports: Django is set up by the caller first.
    from rest_framework.authtoken.models import Token

    from liaison.models import Mechanism, Organisation, Partnership, Person, Region, User
    from meetings import links
    from meetings.models import Invitation, Meeting

    region = Region.objects.create(name="吐鲁番市", code="650400", level="prefecture")
    total = link_answers + api_answers
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"报名企业{n}有限公司", kind="enterprise", region=region)
        for n in range(total + 2)
    )
    Person.objects.bulk_create(
        Person(name=f"联络员{n}", organisation=o, is_liaison=True, phone="13800000000")
        for n, o in enumerate(organisations)
    )
    partnership = Partnership.objects.create(
        name="报名合作",
        party_a=organisations[-1],
        party_b=organisations[-2],
        started_on=datetime.now(UTC).date(),
    )
    mechanism = Mechanism.objects.create(
        partnership=partnership,
        kind="joint_meeting",
        name="联席会议",
        rrule="FREQ=YEARLY",
        first_date=datetime.now(UTC).date(),
    )
    start = datetime.now(UTC) + timedelta(days=30)
    meeting = Meeting.objects.create(
        partnership=partnership,
        mechanism=mechanism,
        title="报名会议",
        kind="joint_meeting",
        start=start,
        end=start + timedelta(hours=3),
        status="scheduled",
        capacity=capacity,
        city="吐鲁番市",
        venue="会议中心",
    )
    invitations = Invitation.objects.bulk_create(
        Invitation(meeting=meeting, organisation=o) for o in organisations[:total]
    )
    users = User.objects.bulk_create(
        User(
            username=f"member{n}",
            role="member",
            organisation=invitation.organisation,
            password="!",
        )
        for n, invitation in enumerate(invitations[link_answers:])
    )
    tokens = Token.objects.bulk_create(Token(user=user, key=Token.generate_key()) for user in users)
    return Rush(
        meeting_id=meeting.pk,
        capacity=capacity,
        links=[(i.pk, links.rsvp_url(i, "accepted")) for i in invitations[:link_answers]],
        api=[(i.pk, t.key) for i, t in zip(invitations[link_answers:], tokens, strict=True)],
    )


# --- The clients --------------------------------------------------------------------------------


@dataclass
class Timings:
    gets: list[float] = field(default_factory=list)
    posts: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    answered: list[int] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, other: Timings) -> None:
        self.gets += other.gets
        self.posts += other.posts
        self.errors += other.errors
        self.answered += other.answered

    @property
    def rate(self) -> float:
        return len(self.answered) / self.seconds if self.seconds else 0.0


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


PROXY = {"X-Forwarded-Proto": "https"}  # nginx in front says the request came over HTTPS


@dataclass
class Reply:
    status: int
    body: str
    cookies: dict[str, str]


def connect(base: str) -> http.client.HTTPConnection:
    """A connection to ``base``: plain HTTP to a node, or HTTPS to a proxy in front of the nodes
    (trusting the certificate authority named by ``REQUESTS_CA_BUNDLE`` when set)."""
    address = urlsplit(base)
    if address.scheme == "https":
        import ssl

        context = ssl.create_default_context(cafile=os.environ.get("REQUESTS_CA_BUNDLE"))
        return http.client.HTTPSConnection(
            address.hostname, address.port or 443, context=context, timeout=60
        )
    return http.client.HTTPConnection(address.hostname, address.port or 80, timeout=60)


def send(base: str, method: str, path: str, *, body: bytes = b"", headers=None) -> Reply:
    """One request on its own connection, as a browser's first visit (gunicorn's sync workers
    close every connection), through ``http.client``: the clients share the machine with the
    server, and ``requests`` cost them several times more CPU per request."""
    connection = connect(base)
    try:
        connection.request(method, path, body=body, headers={**PROXY, **(headers or {})})
        response = connection.getresponse()
        cookies = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookies[key.strip()] = rest.split(";", 1)[0]
        return Reply(response.status, response.read().decode(), cookies)
    finally:
        connection.close()


def answer_by_link(base: str, invitation_id: int, path: str, t, due: float | None = None):
    """One answer through the signed link, from a fresh browser. ``due``: when the invitee
    tapped (the GET's time counts from then)."""
    started = due or time.perf_counter()
    page = send(base, "GET", path)
    t.gets.append(time.perf_counter() - started)
    found = CSRF_FIELD.search(page.body)
    if page.status != 200 or not found or "csrftoken" not in page.cookies:
        t.errors.append(f"GET {page.status}")
        return
    started = time.perf_counter()
    response = send(
        base,
        "POST",
        path.split("?")[0],
        body=urlencode(
            {"csrfmiddlewaretoken": found.group(1), "quick_answer": "accepted"}
        ).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": "https://127.0.0.1" + path,
            "Origin": "https://127.0.0.1",
            "Cookie": f"csrftoken={page.cookies['csrftoken']}",
            "Host": "127.0.0.1",
        },
    )
    t.posts.append(time.perf_counter() - started)
    if response.status != 302:
        t.errors.append(f"POST {response.status}")
        return
    t.answered.append(invitation_id)


def _timed(t, invitation_id: int, due, label: str, *request, **options) -> None:
    """One request (``send``'s arguments), timed from ``due`` (or now), counted as done when
    it answers 200, else as an error."""
    started = due or time.perf_counter()
    response = send(*request, **options)
    t.posts.append(time.perf_counter() - started)
    if response.status != 200:
        t.errors.append(f"{label} {response.status} {response.body[:200]}")
        return
    t.answered.append(invitation_id)


def answer_by_api(base: str, invitation_id: int, key: str, t, due: float | None = None):
    """One answer through the API. ``due``: when it was to be sent (its time counts from then)."""
    payload = {"status": "accepted", "attendees": [{"name": f"参会人{invitation_id}"}]}
    _timed(
        t,
        invitation_id,
        due,
        "API",
        base,
        "POST",
        f"/api/v1/invitations/{invitation_id}/answer/",
        body=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {key}"},
    )


def read_static(base: str, invitation_id: int, key: str, t, due: float | None = None):
    """The floor of the server and clients: a static file (WhiteNoise, no view, no query)."""
    _timed(t, invitation_id, due, "static", base, "GET", STATIC_FILE)


def read_by_api(base: str, invitation_id: int, key: str, t, due: float | None = None):
    """The floor of the API: reading the invitation that an answer returns (token, one read,
    the same serializer), without the answer's validation, lock and writes."""
    _timed(
        t,
        invitation_id,
        due,
        "API read",
        base,
        "GET",
        f"/api/v1/invitations/{invitation_id}/",
        headers={"Authorization": f"Token {key}"},
    )


STATIC_FILE = "/static/css/app.css"


def rush(base: str, work: list, answer, clients: int, rate: float | None = None) -> Timings:
    """``clients`` threads answer the ``work`` items: as fast as the server lets them, or,
    with ``rate``, each item when it is due (item n at n / rate seconds from the start), by
    whichever client is free then."""
    todo: queue.Queue = queue.Queue()
    for n, item in enumerate(work):
        todo.put((n, item))
    total = Timings()
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)
    started = 0.0

    def client():
        own = Timings()
        ready.wait()
        while True:
            try:
                n, item = todo.get_nowait()
            except queue.Empty:
                break
            due = None
            if rate:
                due = started + n / rate
                time.sleep(max(0.0, due - time.perf_counter()))
            try:
                answer(base, *item, own, due)
            except (OSError, http.client.HTTPException) as error:
                own.errors.append(repr(error))
        with lock:
            total.add(own)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    ready.wait()
    for thread in threads:
        thread.join()
    total.seconds = time.perf_counter() - started
    return total


def check_recorded(plan: Rush, answered: list[int]) -> dict:
    """What the database holds after the rush: lost answers and seats taken."""
    # Function-level import: Django is set up by the caller first.
    from meetings.models import Attendee, Invitation

    recorded = set(
        Invitation.objects.filter(meeting_id=plan.meeting_id)
        .exclude(status="pending")
        .values_list("pk", flat=True)
    )
    seats = Attendee.objects.filter(
        invitation__meeting_id=plan.meeting_id, invitation__status="accepted"
    ).count()
    waiting = Invitation.objects.filter(meeting_id=plan.meeting_id, status="waitlisted").count()
    return {
        "lost": len(set(answered) - recorded),
        "seats": seats,
        "waiting": waiting,
        "overfilled": seats > plan.capacity,
    }


def report(label: str, timings: Timings, *, per_answer_requests: int, unit="answers") -> str:
    requests_ms = [x * 1000 for x in timings.gets + timings.posts]
    posts_ms = [x * 1000 for x in timings.posts]
    return (
        f"{label:28} {len(timings.answered):5d} {unit} in {timings.seconds:6.2f} s = "
        f"{timings.rate:6.1f}/s ({per_answer_requests} requests each); request p50 "
        f"{statistics.median(requests_ms) if requests_ms else 0:6.1f} ms, p95 "
        f"{percentile(requests_ms, 0.95):6.1f} ms; POST p95 {percentile(posts_ms, 0.95):6.1f} ms; "
        f"{len(timings.errors)} errors"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=60)
    parser.add_argument("--answers", type=int, default=600, help="answers through the link")
    parser.add_argument("--api-answers", type=int, default=600)
    parser.add_argument("--link-rate", type=float, default=150, help="answers/s arriving by link")
    parser.add_argument("--api-rate", type=float, default=300, help="answers/s arriving by API")
    parser.add_argument("--capacity", type=int, default=400)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    # The README's production line; gthread to compare.
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    args = parser.parse_args()

    database_url, drop = scratch_database()
    try:
        environment = server_environment(database_url)
        setup_django(environment)
        # As many again for the run at the rush's rate.
        plan = seed(2 * args.answers, 2 * args.api_answers, args.capacity)
        server = start_server(
            environment,
            workers=args.workers,
            threads=args.threads,
            worker_class=args.worker_class,
        )
        try:
            results = run(
                server.base,
                plan,
                clients=args.clients,
                link_rate=args.link_rate,
                api_rate=args.api_rate,
            )
        finally:
            server.stop()
        # Function-level import: Django is set up above.
        from django.db import connection

        print(
            f"{args.clients} clients, gunicorn {args.workers} × {args.worker_class}"
            + (f" ({args.threads} threads)" if args.worker_class == "gthread" else "")
            + f", database {connection.vendor}, capacity {args.capacity}"
        )
        for line in results["lines"]:
            print(line)
        state = results["state"]
        print(
            f"lost {state['lost']}, seats taken {state['seats']} of {args.capacity}, "
            f"waiting {state['waiting']}, overfilled: {state['overfilled']}"
        )
        connection.close()
    finally:
        drop()


def run(base: str, plan: Rush, *, clients: int, link_rate: float, api_rate: float) -> dict:
    """Each way's capacity (its first half of the plan's answers, as fast as served), then
    its latency at the rush's rate (the second half), and the state they leave."""
    links, apis = len(plan.links) // 2, len(plan.api) // 2
    link = rush(base, plan.links[:links], answer_by_link, clients)
    link_at = rush(base, plan.links[links:], answer_by_link, clients, rate=link_rate)
    api = rush(base, plan.api[:apis], answer_by_api, clients)
    api_at = rush(base, plan.api[apis:], answer_by_api, clients, rate=api_rate)
    runs = (link, link_at, api, api_at)
    answered = [i for timings in runs for i in timings.answered]
    # What the same server and clients do for the simplest requests, for comparison.
    static = rush(base, plan.api[:apis], read_static, clients)
    read = rush(base, plan.api[:apis], read_by_api, clients)
    return {
        "link": link,
        "link_at": link_at,
        "api": api,
        "api_at": api_at,
        "static": static,
        "read": read,
        "lines": [
            report("signed link (GET + POST)", link, per_answer_requests=2),
            report(f"  arriving at {link_rate:g}/s", link_at, per_answer_requests=2),
            report("API (POST)", api, per_answer_requests=1),
            report(f"  arriving at {api_rate:g}/s", api_at, per_answer_requests=1),
            report("floor: a static file", static, per_answer_requests=1, unit="reads"),
            report("floor: API read", read, per_answer_requests=1, unit="reads"),
            *[f"  error: {e}" for timings in (*runs, static, read) for e in timings.errors][:5],
        ],
        "state": check_recorded(plan, answered),
    }


if __name__ == "__main__":
    main()
