"""The server's CPU time per answer, measured in one process through the whole stack.

    .venv/bin/python bench/answer_cpu.py [--answers 300] [--api-answers 300] [--capacity 200]
                                         [--profile FILE]

Seeds ``bench/answers.py``'s sign-up rush on a scratch database (a throw-away SQLite file, or a
fresh database on the PostgreSQL server of DATABASE_URL, dropped afterwards), then answers
every invitation one after the other through Django's test client, with the production
settings of ``bench/answers.py`` (DEBUG off, HTTPS said by the proxy, CSRF checked):

- through the signed link: GET the answer page with the mail's accept button, then POST its
  confirm button with the page's CSRF token;
- through the API: ``POST /api/v1/invitations/<id>/answer/`` with the member's token.

Prints the CPU time (``time.process_time``) per answer of this process: Django, the database
driver, and with SQLite the database engine too (with PostgreSQL the server's own work is not
counted). CPU time, unlike wall time, hardly depends on what else runs on the machine, so two
commits can be compared on a shared machine. ``--profile`` writes a cProfile of the measured
answers (read it with ``python -m pstats FILE``).
"""

from __future__ import annotations

import argparse
import cProfile
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import answers  # bench/ is not a package: its folder is put on the path above

WARM_UP = 10  # answers of each kind not measured: the first requests fill Django's caches
HEADERS = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "127.0.0.1"}


def link_answer(client, path: str) -> tuple[float, float]:
    """One answer through the signed link; the CPU seconds of its GET and of its POST."""
    client.cookies.clear()  # each invitee is a fresh browser
    started = time.process_time()
    page = client.get(path, **HEADERS)
    got = time.process_time()
    found = answers.CSRF_FIELD.search(page.content.decode())
    assert page.status_code == 200 and found, page.status_code
    response = client.post(
        path.split("?")[0],
        {"csrfmiddlewaretoken": found.group(1), "quick_answer": "accepted"},
        HTTP_REFERER="https://127.0.0.1" + path,
        HTTP_ORIGIN="https://127.0.0.1",
        **HEADERS,
    )
    posted = time.process_time()
    assert response.status_code == 302, response.status_code
    return got - started, posted - got


def api_answer(client, invitation_id: int, key: str) -> float:
    """One answer through the API; its CPU seconds."""
    started = time.process_time()
    response = client.post(
        f"/api/v1/invitations/{invitation_id}/answer/",
        {"status": "accepted", "attendees": [{"name": f"参会人{invitation_id}"}]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
        **HEADERS,
    )
    spent = time.process_time() - started
    assert response.status_code == 200, response.content[:300]
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=300, help="answers through the link")
    parser.add_argument("--api-answers", type=int, default=300)
    parser.add_argument("--capacity", type=int, default=200)
    parser.add_argument("--profile", help="write a cProfile of the measured answers here")
    args = parser.parse_args()

    database_url, drop = answers.scratch_database()
    try:
        answers.setup_django(answers.server_environment(database_url))
        # Function-level imports: Django is set up just above.
        from django.db import connection
        from django.test import Client

        plan = answers.seed(args.answers, args.api_answers, args.capacity)
        client = Client(enforce_csrf_checks=True)
        # CPU time, as measured, rather than cProfile's default wall time.
        profiler = cProfile.Profile(time.process_time) if args.profile else None

        gets, posts, api = [], [], []
        for n, (_invitation_id, path) in enumerate(plan.links):
            if profiler and n == WARM_UP:
                profiler.enable()
            get, post = link_answer(client, path)
            if n >= WARM_UP:
                gets.append(get)
                posts.append(post)
        if profiler:
            profiler.disable()
        for n, (invitation_id, key) in enumerate(plan.api):
            if profiler and n == WARM_UP:
                profiler.enable()
            spent = api_answer(client, invitation_id, key)
            if n >= WARM_UP:
                api.append(spent)
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)

        state = answers.check_recorded(
            plan, [i for i, _path in plan.links] + [i for i, _k in plan.api]
        )
        print(f"database {connection.vendor}, capacity {args.capacity}, CPU ms per answer:")
        print(
            f"  signed link: {ms(gets) + ms(posts):6.2f} (GET {ms(gets):5.2f} + POST "
            f"{ms(posts):5.2f}), {len(posts)} answers"
        )
        print(f"  API:         {ms(api):6.2f}, {len(api)} answers")
        print(
            f"lost {state['lost']}, seats taken {state['seats']} of {args.capacity}, "
            f"waiting {state['waiting']}, overfilled: {state['overfilled']}"
        )
        connection.close()
    finally:
        drop()


def ms(seconds: list[float]) -> float:
    return 1000 * sum(seconds) / len(seconds) if seconds else 0.0


if __name__ == "__main__":
    main()
