"""企业微信 group robot: a markdown message posted to its webhook address. The robot answers
``{"errcode": 0, "errmsg": "ok"}``; any other errcode is a refusal."""

from __future__ import annotations

from django.conf import settings

from liaison.channels import transport


def body(markdown: str) -> dict:
    return {"msgtype": "markdown", "markdown": {"content": markdown}}


def check(answer: dict) -> None:
    code = answer.get("errcode", 0)
    if code != 0:
        raise transport.ChannelError(f"errcode {code}: {answer.get('errmsg', '')}"[:300])


def send(channel, payload: dict) -> None:
    answer = transport.send(
        settings.ROBOT_BACKEND, channel.kind, channel.target, channel.target_shown, payload
    )
    check(answer)
