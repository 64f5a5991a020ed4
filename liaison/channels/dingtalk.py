"""钉钉 group robot: a markdown message posted to its webhook address, signed when the robot
has a secret: ``timestamp`` (milliseconds) and ``sign`` = Base64(HMAC-SHA256(secret,
"timestamp\\nsecret")), URL-encoded, added to the address. Any errcode other than 0 in the
answer is a refusal (130101: sent too fast)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

from django.conf import settings

from liaison.channels import transport
from liaison.channels.wecom import check


def body(title: str, markdown: str) -> dict:
    return {"msgtype": "markdown", "markdown": {"title": title, "text": markdown}}


def sign(secret: str, timestamp: int) -> str:
    text = f"{timestamp}\n{secret}".encode()
    digest = hmac.new(secret.encode(), text, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def signed_url(url: str, secret: str, *, timestamp: int | None = None) -> str:
    if not secret:
        return url
    timestamp = int(time.time() * 1000) if timestamp is None else timestamp
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp}&sign={sign(secret, timestamp)}"


def send(channel, payload: dict) -> None:
    url = signed_url(channel.target, channel.secret())
    check(transport.send(settings.ROBOT_BACKEND, channel.kind, url, channel.target_shown, payload))
