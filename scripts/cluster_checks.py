"""The checks of the rehearsal on one machine (scripts/cluster.sh starts everything first).

    python scripts/cluster_checks.py sink --port P --folder DIR    the SMTP sink (aiosmtpd)
    python scripts/cluster_checks.py checks                         the checks, through nginx

The checks read what cluster.sh started from the environment (CLUSTER_* variables and the
application's own settings), print one PASS or FAIL line each and exit non-zero on any FAIL.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import uuid
from email import message_from_bytes, policy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS: list[tuple[str, bool, str]] = []
BROWSER_PASSWORD = "correct horse 42"


# --- The SMTP sink --------------------------------------------------------------------------


def sink(port: int, folder: Path) -> None:
    """Accept every mail on 127.0.0.1:``port`` and keep each as a .eml file in ``folder``."""
    from aiosmtpd.controller import Controller

    folder.mkdir(parents=True, exist_ok=True)

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            name = folder / f"{time.time_ns()}-{uuid.uuid4().hex[:6]}.eml"
            name.write_bytes(envelope.original_content)
            return "250 Message accepted for delivery"

    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    try:
        while not stop:
            time.sleep(0.2)
    finally:
        controller.stop()


# --- Helpers ----------------------------------------------------------------------------------


def check(name: str):
    """Run the decorated check now; record PASS, or FAIL with the reason."""

    def run(function):
        started = time.monotonic()
        try:
            detail = function() or ""
            ok = True
        except Exception as error:  # every failure is reported, the other checks still run
            detail, ok = f"{type(error).__name__}: {error}", False
        detail = f"{detail} ({time.monotonic() - started:.1f} s)".strip()
        RESULTS.append((name, ok, detail))
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}", flush=True)
        return function

    return run


def wait_for(condition, timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


def session(token: str | None = None):
    import requests

    s = requests.Session()
    if token:
        s.headers["Authorization"] = f"Token {token}"
    return s


def node(number: int) -> str:
    return f"http://127.0.0.1:{os.environ[f'CLUSTER_WEB{number}_PORT']}"


# Straight to a node, as nginx would pass the request on.
AS_PROXIED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.1.2.3"}


def checks() -> int:
    import django

    django.setup()
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from bench import answers as bench
    from liaison import uploads
    from liaison.models import User
    from meetings.models import AgendaItem, Invitation, MailDelivery
    from reports.models import GeneratedReport

    base = os.environ["CLUSTER_URL"]
    mail_folder = Path(os.environ["CLUSTER_MAIL_DIR"])

    def user(role: str, name: str, organisation=None) -> str:
        account = User.objects.create(
            username=name, role=role, organisation=organisation, password="!"
        )
        return Token.objects.create(user=account).key

    secretariat = user("secretariat", "cluster-secretariat")
    official = user("official", "cluster-official")

    @check("nginx answers over HTTPS and balances both web nodes")
    def _balance():
        seen = set()
        with session() as s:
            for _ in range(12):
                response = s.get(f"{base}/health/", timeout=30)
                assert response.status_code == 200, response.status_code
                seen.add(response.headers.get("X-Upstream"))
        assert len(seen) == 2, seen
        return f"upstreams {sorted(seen)}"

    @check("the application sees HTTPS through nginx; plain HTTP is sent there")
    def _proxy_headers():
        import requests

        plain = requests.get(
            base.replace("https://", "http://").replace(
                os.environ["CLUSTER_HTTPS_PORT"], os.environ["CLUSTER_HTTP_PORT"]
            )
            + "/accounts/login/",
            allow_redirects=False,
            timeout=10,
        )
        assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
        with session() as s:
            page = s.get(f"{base}/accounts/login/", allow_redirects=False, timeout=10)
        # With SECURE_SSL_REDIRECT on, a request the application took for plain HTTP would
        # be redirected: it answers, so X-Forwarded-Proto reached it.
        assert page.status_code == 200, page.status_code
        assert page.cookies.get("csrftoken") is not None
        return "http → 301 https; https → 200"

    @check("a browser signs in through nginx and stays signed in on both nodes")
    def _browser():
        from playwright.sync_api import sync_playwright

        account = User.objects.get(username="cluster-secretariat")
        account.set_password(BROWSER_PASSWORD)
        account.save()
        seen = set()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("JOURNEYS_CHROMIUM", "/usr/bin/chromium"),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            try:
                context = browser.new_context(locale="zh-CN", ignore_https_errors=True)
                page = context.new_page()
                page.goto(f"{base}/accounts/login/")
                page.fill("#id_username", "cluster-secretariat")
                page.fill("#id_password", BROWSER_PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_load_state()
                assert "/accounts/login/" not in page.url, page.url
                # A page and its static files may fall to the same node every time under
                # round robin: an extra request now and then shifts which node gets the page.
                pages = 0
                while len(seen) < 2 and pages < 20:
                    response = page.goto(f"{base}/meetings/")
                    assert response.status == 200 and "/accounts/login/" not in page.url
                    seen.add(response.headers.get("x-upstream"))
                    pages += 1
                    if pages % 3 == 0:
                        context.request.get(f"{base}/health/")
            finally:
                browser.close()
        assert len(seen) == 2, seen
        return f"{pages} pages signed in, served by {sorted(seen)}"

    # A meeting with an agenda item, invitees with addresses, members with tokens.
    plan = bench.seed(0, 200, 25)
    contention, kill = plan.api[:60], plan.api[60:]
    meeting_id = plan.meeting_id
    item = AgendaItem.objects.create(meeting_id=meeting_id, position=0, title="项目落地情况")
    addressed = list(Invitation.objects.filter(meeting_id=meeting_id)[:3])
    for n, invitation in enumerate(addressed):
        invitation.organisation.people.update(email=f"liaison{n}@example.cn")

    @check("a file uploaded through node 1 downloads through node 2")
    def _shared_files():
        body = b"%PDF-1.4\n" + uuid.uuid4().hex.encode() * 2000 + b"\n%%EOF\n"
        with session(secretariat) as s:
            response = s.post(
                f"{node(1)}/api/v1/agenda-items/{item.pk}/materials/",
                files={"file": ("材料.pdf", body, "application/pdf")},
                headers=AS_PROXIED,
                timeout=30,
            )
            assert response.status_code == 201, response.text[:300]
            material = response.json()["id"]
            download = s.get(
                f"{node(2)}/api/v1/agenda-items/{item.pk}/materials/{material}/",
                headers=AS_PROXIED,
                timeout=30,
            )
        assert download.status_code == 200, download.status_code
        assert download.content == body
        return f"{len(body)} bytes, {'bucket' if uploads.uses_object_storage() else 'shared disk'}"

    @check("an upload over the limit is stopped by nginx with its page in Chinese")
    def _too_large():
        import http.client
        import ssl
        from urllib.parse import urlsplit

        # Only the headers are sent: nginx answers from the announced length, before any body.
        address = urlsplit(base)
        context = ssl.create_default_context(cafile=os.environ["REQUESTS_CA_BUNDLE"])
        raw = http.client.HTTPSConnection(
            address.hostname, address.port, context=context, timeout=30
        )
        raw.putrequest("POST", f"/api/v1/agenda-items/{item.pk}/materials/")
        raw.putheader("Authorization", f"Token {secretariat}")
        raw.putheader("Content-Type", "multipart/form-data; boundary=x")
        raw.putheader("Content-Length", str(uploads.MAX_UPLOAD_BYTES + 2 * 1024**2))
        raw.endheaders()
        response = raw.getresponse()
        body = response.read().decode()
        raw.close()
        assert response.status == 413, response.status
        assert "文件太大" in body and "20 MB" in body, body[:200]
        assert response.getheader("X-Upstream") is None, "it reached a node"
        return "413 with the page of deploy/errors/413.html"

    @check("invitation mail goes through SMTP with its calendar part, sent once")
    def _mail():
        with session(secretariat) as s:
            response = s.post(f"{base}/api/v1/meetings/{meeting_id}/send-invitations/", timeout=30)
        assert response.status_code == 202, response.text[:300]
        queued = response.json()["queued"]
        deliveries = MailDelivery.objects.filter(meeting_id=meeting_id)
        wait_for(
            lambda: not deliveries.filter(status__in=["queued", "sending"]).exists(),
            60,
            "the mail worker",
        )
        sent = deliveries.filter(status="sent").count()
        assert sent == len(addressed), (sent, queued)
        mails = [
            message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(mail_folder.glob("*.eml"))
        ]
        invitations = [m for m in mails if "会议通知" in str(m["Subject"])]
        recipients = sorted(str(m["To"]) for m in invitations)
        assert recipients == sorted(f"liaison{n}@example.cn" for n in range(3)), recipients
        for message in invitations:
            (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
            assert part.get_param("method") == "REQUEST"
            assert b"BEGIN:VEVENT" in part.get_payload(decode=True)
        return f"{sent} mails, each once, text/calendar; method=REQUEST"

    @check("answer contention through nginx: no answer lost, capacity kept")
    def _contention():
        timings = bench.rush(base, contention, bench.answer_by_api, 12)
        state = bench.check_recorded(plan, timings.answered)
        assert not timings.errors, timings.errors[:3]
        assert state["lost"] == 0 and not state["overfilled"], state
        return (
            f"{len(timings.answered)} answers, {state['seats']} seats of {plan.capacity}, "
            f"{state['waiting']} waiting"
        )

    @check("a worker killed in the middle of a report still ends with exactly one report")
    def _report_worker_killed():
        with session(official) as s:
            response = s.post(f"{base}/api/v1/reports/", json={"kind": "follow_up"}, timeout=30)
            assert response.status_code == 202, response.text[:300]
            report_id = response.json()["id"]
            report = GeneratedReport.objects.filter(pk=report_id)
            wait_for(
                lambda: report.filter(status="running").exists(),
                60,
                "the report to start",
                every=0.02,
            )
            parent = int(Path(os.environ["CLUSTER_REPORTS_WORKER_PID"]).read_text())
            children = subprocess.run(
                ["pgrep", "-P", str(parent)], capture_output=True, text=True
            ).stdout.split()
            assert children, "the reports worker has no pool process"
            for child in children:
                os.kill(int(child), signal.SIGKILL)
            killed_at = report.get().progress
            wait_for(
                lambda: report.filter(status__in=["done", "failed"]).exists(), 120, "the report"
            )
            done = report.get()
            assert done.status == "done", (done.status, done.error)
            pdf = s.get(f"{base}/api/v1/reports/{report_id}/pdf/", timeout=60)
            assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        same = GeneratedReport.objects.filter(kind="follow_up")
        assert same.count() == 1, same.count()
        names = stored_reports(uploads)
        assert names == [f"reports/{report_id}.pdf", f"reports/{report_id}.xlsx"], names
        return f"killed at {killed_at} %, redelivered, one report and files {names}"

    @check("killing one web node in the middle of answers loses no acknowledged answer")
    def _web_node_killed():
        import threading

        result = {}

        def answer_all():
            result["t"] = bench.rush(
                base,
                kill,
                bench.answer_by_api,
                8,
            )

        thread = threading.Thread(target=answer_all)
        thread.start()
        answered = Invitation.objects.filter(
            meeting_id=meeting_id, pk__in=[i for i, _ in kill]
        ).exclude(status="pending")
        wait_for(lambda: answered.count() >= len(kill) // 4, 60, "a quarter answered", every=0.02)
        group = int(Path(os.environ["CLUSTER_WEB1_PID"]).read_text())
        os.killpg(group, signal.SIGKILL)
        killed_after = answered.count()
        thread.join(180)
        timings = result["t"]
        state = bench.check_recorded(plan, timings.answered)
        assert state["lost"] == 0, state
        assert len(timings.answered) > killed_after, "nothing answered after the kill"
        return (
            f"node 1 killed after {killed_after} answers; {len(timings.answered)} acknowledged, "
            f"all recorded; {len(timings.errors)} refused during the kill"
        )

    connection.close()
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(f"{len(RESULTS) - len(failed)} of {len(RESULTS)} checks passed", flush=True)
    return 1 if failed else 0


def stored_reports(uploads) -> list[str]:
    storage = uploads.private_storage()
    _folders, files = storage.listdir("reports")
    return sorted(f"reports/{name}" for name in files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    sink_parser = commands.add_parser("sink")
    sink_parser.add_argument("--port", type=int, required=True)
    sink_parser.add_argument("--folder", type=Path, required=True)
    commands.add_parser("checks")
    args = parser.parse_args()
    if args.command == "sink":
        sink(args.port, args.folder)
        return 0
    return checks()


if __name__ == "__main__":
    sys.exit(main())
