"""Posting a message: over HTTP to a robot or gateway (``http``), printed (``console``) or kept
in memory (``locmem``, for tests), as ``ROBOT_BACKEND`` and ``SMS_BACKEND`` say.

Every HTTP call has a timeout (``CHANNEL_TIMEOUT``). Errors never carry the address: a robot's
webhook address holds its access key."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request

from django.conf import settings

# What the locmem backend would have sent: (channel kind, address shown, body).
outbox: list[tuple[str, str, dict]] = []


class ChannelError(Exception):
    """The robot or gateway refused, or could not be reached: the message to record."""


def post_json(url: str, body: dict) -> dict:
    """POST ``body`` as JSON and return the JSON answer; ChannelError on any failure."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.CHANNEL_TIMEOUT) as response:
            raw = response.read()
    except urllib.error.HTTPError as error:
        raise ChannelError(f"HTTP {error.code}") from None
    except TimeoutError:
        raise ChannelError("timed out") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ChannelError(f"not reachable: {type(reason).__name__}: {reason}"[:300]) from None
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        raise ChannelError("the answer is not JSON") from None


def send(backend: str, kind: str, url: str, shown: str, body: dict) -> dict:
    """Send ``body`` to ``url`` by ``backend``; the console and locmem backends answer as a
    robot that accepted."""
    if backend == "http":
        return post_json(url, body)
    if backend == "locmem":
        outbox.append((kind, shown, body))
    else:
        sys.stdout.write(f"[{kind}] {shown}\n{json.dumps(body, ensure_ascii=False, indent=2)}\n")
    return {"errcode": 0, "errmsg": "ok", "Code": "OK"}
