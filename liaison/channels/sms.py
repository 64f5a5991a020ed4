"""SMS through the backend ``SMS_BACKEND`` names: ``console`` (prints), ``locmem`` (tests) or
``http``, a template gateway in the shape the large Chinese providers use (Aliyun, Tencent
Cloud): the phone number, the signature name, a template code and the template's parameters
as JSON, answered by ``{"Code": "OK"}`` or a code and a message.

A message is kept within two 70-character segments (the provider adds the 【signature】)."""

from __future__ import annotations

import json

from django.conf import settings

from liaison.channels import transport

SEGMENT = 70
LIMIT = 2 * SEGMENT


def text(params: dict) -> str:
    """The message the template renders: "{first}{title}，{when}，{place}。{link}" cut to fit,
    the title giving way first (never the link)."""
    sign = f"【{settings.SMS_SIGN_NAME}】"
    tail = "".join(f"，{params[k]}" for k in ("when", "place") if params.get(k))
    link = f"。{params['link']}" if params.get("link") else "。"
    fixed = len(sign) + len(params.get("first", "")) + len(tail) + len(link)
    title = params.get("title", "")
    room = LIMIT - fixed
    if len(title) > room:
        title = title[: max(0, room - 1)] + "…"
    message = f"{params.get('first', '')}{title}{tail}{link}"
    return message[: LIMIT - len(sign)]


def body(phone: str, params: dict) -> dict:
    return {
        "PhoneNumbers": phone,
        "SignName": settings.SMS_SIGN_NAME,
        "TemplateCode": settings.SMS_TEMPLATE_CODE,
        "TemplateParam": json.dumps(params, ensure_ascii=False),
    }


def send(channel, payload: dict) -> None:
    backend = settings.SMS_BACKEND
    request = body(payload["phone"], payload["params"])
    if backend != "http":
        request = {**request, "text": payload["text"]}
    elif not settings.SMS_GATEWAY_URL:
        raise transport.ChannelError("SMS_GATEWAY_URL is not set")
    url = settings.SMS_GATEWAY_URL
    if settings.SMS_GATEWAY_KEY:
        url = f"{url}{'&' if '?' in url else '?'}key={settings.SMS_GATEWAY_KEY}"
    answer = transport.send(backend, "sms", url, settings.SMS_GATEWAY_URL, request)
    if answer.get("Code", "OK") != "OK":
        raise transport.ChannelError(f"{answer.get('Code')}: {answer.get('Message', '')}"[:300])
