"""Notices on 企业微信 and 钉钉 group robots, by SMS and in the inbox, against a local server
that plays the robots and the SMS gateway (``robot_server``)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from liaison.channels import dingtalk, sending, sms, transport
from liaison.channels.services import save_channel
from liaison.models import AuditEntry, Channel, ChannelDelivery, Notice
from liaison.tests.factories import (
    ChannelDeliveryFactory,
    ChannelFactory,
    NoticeFactory,
    PersonFactory,
)
from liaison.tests.robot_server import OK, FakeRobot
from meetings import services
from meetings.mail import _beijing, _when
from meetings.tests.factories import InvitationFactory, MeetingFactory

Status = ChannelDelivery.Status


@pytest.fixture
def robot():
    server = FakeRobot()
    yield server
    server.stop()


@pytest.fixture
def http(settings):
    settings.ROBOT_BACKEND = "http"
    settings.SMS_BACKEND = "http"
    settings.CHANNEL_TIMEOUT = 2
    return settings


@pytest.fixture
def meeting(db):
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)
    return MeetingFactory(
        title="第二次联席会议",
        start=start,
        end=start + timedelta(hours=3),
        rsvp_deadline=start - timedelta(days=3),
    )


@pytest.fixture
def people(meeting):
    """Two invited people with phones."""
    found = [
        PersonFactory(name="王芳", phone="13800000001"),
        PersonFactory(name="李强", phone="13800000002"),
    ]
    for person in found:
        InvitationFactory(meeting=meeting, organisation=None, person=person)
    return found


def robot_channel(robot, meeting, kind=Channel.Kind.WECOM, key="abc", **fields):
    path = "/cgi-bin/webhook/send" if kind == Channel.Kind.WECOM else "/robot/send"
    param = "key" if kind == Channel.Kind.WECOM else "access_token"
    return ChannelFactory(
        kind=kind,
        name=f"{kind} 联络群",
        target=f"{robot.url}{path}?{param}={key}",
        partnership=meeting.partnership,
        **fields,
    )


def invite(meeting, secretariat, capture):
    with capture(execute=True):
        services.send_invitations(meeting, actor=secretariat)


def group_text(meeting) -> str:
    return "\n".join(
        [
            "**会议通知：第二次联席会议**",
            f"> 时间（北京时间）：{_when(meeting)}",
            "> 地点：吐鲁番市 · 市政府会议室",
            f"> 回执截止：{_beijing(meeting.rsvp_deadline)}",
            f"[登录联络系统查看](http://testserver/meetings/{meeting.pk}/)",
        ]
    )


# --- 企业微信 -----------------------------------------------------------------------------------


def test_wecom_robot_gets_the_exact_markdown_and_the_delivery_is_sent(
    http, robot, meeting, people, secretariat, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "http://testserver"
    channel = robot_channel(robot, meeting)
    invite(meeting, secretariat, django_capture_on_commit_callbacks)

    (request,) = robot.requests
    assert request["path"] == "/cgi-bin/webhook/send"
    assert request["query"] == {"key": "abc"}
    assert request["json"] == {"msgtype": "markdown", "markdown": {"content": group_text(meeting)}}
    (delivery,) = channel.deliveries.all()
    assert (delivery.status, delivery.attempts, delivery.error) == (Status.SENT, 1, "")
    assert delivery.sent_at is not None
    assert delivery.meeting_ref == meeting.pk


def test_a_group_never_gets_anyones_own_answer_link(
    http, robot, meeting, people, secretariat, django_capture_on_commit_callbacks
):
    robot_channel(robot, meeting)
    invite(meeting, secretariat, django_capture_on_commit_callbacks)
    content = robot.requests[0]["json"]["markdown"]["content"]
    assert "/meetings/rsvp/" not in content and "/meetings/r/" not in content
    assert f"/meetings/{meeting.pk}/" in content


def test_a_cancellation_says_so_in_its_first_line(
    http, robot, meeting, people, secretariat, django_capture_on_commit_callbacks
):
    robot_channel(robot, meeting)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(meeting, reason="天气原因", actor=secretariat)
    content = robot.requests[-1]["json"]["markdown"]["content"]
    assert content.splitlines()[0] == "**该会议已取消。**"
    assert "回执截止" not in content


def test_a_robot_refusing_with_its_errcode_fails_with_that_message_after_the_retries(
    http, robot, meeting, people, secretariat, django_capture_on_commit_callbacks
):
    robot.default = {"errcode": 310000, "errmsg": "keywords not in content"}
    channel = robot_channel(robot, meeting)
    invite(meeting, secretariat, django_capture_on_commit_callbacks)

    assert len(robot.requests) == 3  # CHANNEL_SEND_ATTEMPTS
    (delivery,) = channel.deliveries.all()
    assert delivery.status == Status.FAILED
    assert delivery.attempts == 3
    assert delivery.error == "errcode 310000: keywords not in content"


@pytest.mark.parametrize("door", ["page", "api"])
def test_resending_everything_that_failed_sends_the_group_message_again(
    door,
    http,
    robot,
    meeting,
    people,
    secretariat,
    client_for,
    api_for,
    django_capture_on_commit_callbacks,
):
    http.SITE_URL = "http://testserver"
    robot.default = {"errcode": 310000, "errmsg": "keywords not in content"}
    channel = robot_channel(robot, meeting)
    invite(meeting, secretariat, django_capture_on_commit_callbacks)
    (delivery,) = channel.deliveries.all()
    assert delivery.status == Status.FAILED
    log = f"/meetings/{meeting.pk}/mail/"
    client = client_for(secretariat)
    assert "重新发送全部失败的通知 (1)" in client.get(log).content.decode()

    robot.default = OK
    with django_capture_on_commit_callbacks(execute=True):
        if door == "page":
            assert client.post(f"{log}resend/").status_code == 302
        else:
            response = api_for(secretariat).post(f"/api/v1/meetings/{meeting.pk}/resend/")
            assert (response.status_code, response.json()) == (202, {"queued": 1})
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == (Status.SENT, 1, "")
    assert robot.requests[-1]["json"]["markdown"]["content"] == group_text(meeting)
    assert 'id="resend-failed"' not in client.get(log).content.decode()


def test_a_robot_refusing_once_is_sent_on_the_next_attempt_without_a_stale_error(
    http, robot, meeting, people, secretariat, django_capture_on_commit_callbacks
):
    robot.answers.append({"errcode": -1, "errmsg": "system busy"})
    channel = robot_channel(robot, meeting)
    invite(meeting, secretariat, django_capture_on_commit_callbacks)

    assert len(robot.requests) == 2
    (delivery,) = channel.deliveries.all()
    assert (delivery.status, delivery.attempts, delivery.error) == (Status.SENT, 2, "")


def test_a_slow_robot_times_out_and_fails(
    http, robot, meeting, people, secretariat, django_capture_on_commit_callbacks
):
    http.CHANNEL_TIMEOUT = 0.3
    http.CHANNEL_SEND_ATTEMPTS = 1
    robot.answers.append(2)
    channel = robot_channel(robot, meeting)
    invite(meeting, secretariat, django_capture_on_commit_callbacks)

    (delivery,) = channel.deliveries.all()
    assert delivery.status == Status.FAILED
    assert delivery.error == "timed out"
    assert robot.url not in delivery.error  # the address holds the access key


def test_with_a_worker_a_refusal_waits_for_its_backoff(http, robot, meeting):
    robot.answers.append({"errcode": -1, "errmsg": "system busy"})
    delivery = ChannelDeliveryFactory(channel=robot_channel(robot, meeting))
    now = timezone.now()

    assert sending.deliver([delivery.pk], now=now) == [delivery.pk]
    delivery.refresh_from_db()
    assert delivery.status == Status.QUEUED
    assert delivery.next_attempt_at == now + timedelta(seconds=60)
    assert sending.deliver([delivery.pk], now=now + timedelta(seconds=30)) == []
    assert len(robot.requests) == 1
    sending.deliver([delivery.pk], now=now + timedelta(seconds=61))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.SENT, 2)


# --- 钉钉 --------------------------------------------------------------------------------------


def test_dingtalk_robot_is_signed_and_gets_markdown(
    http, robot, meeting, people, secretariat, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "http://testserver"
    channel = robot_channel(robot, meeting, Channel.Kind.DINGTALK, key="tok")
    save_channel(channel, secret="SECabc123", actor=secretariat)
    invite(meeting, secretariat, django_capture_on_commit_callbacks)

    (request,) = robot.requests
    query = request["query"]
    assert query["access_token"] == "tok"
    expected = base64.b64encode(
        hmac.new(b"SECabc123", f"{query['timestamp']}\nSECabc123".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == expected
    assert request["json"] == {
        "msgtype": "markdown",
        "markdown": {"title": "会议通知：第二次联席会议", "text": group_text(meeting)},
    }
    assert "SECabc123" not in json.dumps(channel.deliveries.get().payload)


def test_dingtalk_sign_is_url_encoded():
    # A known vector: the signature contains "+" and "/" which must travel encoded.
    digest = hmac.new(b"s", b"1700000000000\ns", hashlib.sha256).digest()
    raw = base64.b64encode(digest).decode()
    url = dingtalk.signed_url(
        "https://oapi.dingtalk.com/robot/send?access_token=t", "s", timestamp=1700000000000
    )
    assert url.startswith(
        "https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000000&sign="
    )
    assert url.endswith(dingtalk.sign("s", 1700000000000))
    assert "+" not in url.rsplit("sign=", 1)[1] and "/" not in url.rsplit("sign=", 1)[1]
    from urllib.parse import unquote_plus

    assert unquote_plus(url.rsplit("sign=", 1)[1]) == raw


def test_the_rate_limit_queues_what_is_beyond_twenty_a_minute_and_sends_it_later(
    http, robot, meeting
):
    channel = robot_channel(robot, meeting, Channel.Kind.DINGTALK)
    deliveries = [ChannelDeliveryFactory(channel=channel) for _ in range(25)]
    now = timezone.now()

    sending.deliver([d.pk for d in deliveries], now=now)
    assert len(robot.requests) == 20
    assert channel.deliveries.filter(status=Status.SENT).count() == 20
    held = channel.deliveries.filter(status=Status.QUEUED)
    assert held.count() == 5
    assert {d.next_attempt_at for d in held} == {now + timedelta(minutes=1)}

    call_command("send_channel_deliveries")  # not yet due: nothing more is sent
    assert len(robot.requests) == 20
    robot.requests.clear()  # a minute later, as far as the fake robot is concerned
    sending.deliver(now=now + timedelta(seconds=61))
    assert channel.deliveries.filter(status=Status.SENT).count() == 25
    assert all(r["json"] == deliveries[0].payload for r in robot.requests)


def test_a_failing_channel_never_stops_the_others(
    http, robot, meeting, people, secretariat, django_capture_on_commit_callbacks
):
    broken = robot_channel(robot, meeting, key="bad")
    broken.target = "http://127.0.0.1:9/nothing-listens-here"
    broken.save()
    working = robot_channel(robot, meeting, Channel.Kind.DINGTALK)
    invite(meeting, secretariat, django_capture_on_commit_callbacks)

    assert broken.deliveries.get().status == Status.FAILED
    assert broken.deliveries.get().error.startswith("not reachable")
    assert working.deliveries.get().status == Status.SENT


# --- SMS ----------------------------------------------------------------------------------------


def test_sms_template_gateway_gets_the_template_and_each_person_their_own_short_link(
    http, robot, meeting, people, secretariat, django_capture_on_commit_callbacks, settings, client
):
    settings.SITE_URL = "http://testserver"
    settings.SMS_GATEWAY_URL = f"{robot.url}/sms"
    settings.SMS_TEMPLATE_CODE = "SMS_270160001"
    settings.SMS_SIGN_NAME = "湘吐合作"
    channel = ChannelFactory(
        kind=Channel.Kind.SMS, target="", name="联络员短信", partnership=meeting.partnership
    )
    invite(meeting, secretariat, django_capture_on_commit_callbacks)

    assert [r["json"]["PhoneNumbers"] for r in robot.requests] == ["13800000001", "13800000002"]
    first = robot.requests[0]["json"]
    assert set(first) == {"PhoneNumbers", "SignName", "TemplateCode", "TemplateParam"}
    assert (first["SignName"], first["TemplateCode"]) == ("湘吐合作", "SMS_270160001")
    params = json.loads(first["TemplateParam"])
    assert params["title"] == "会议通知：第二次联席会议"
    assert params["when"] == _when(meeting)
    assert params["link"].startswith("http://testserver/meetings/r/")
    links = {json.loads(r["json"]["TemplateParam"])["link"] for r in robot.requests}
    assert len(links) == 2  # each person's own
    invitation = people[0].invitations.get()
    response = client.get(params["link"].removeprefix("http://testserver"))
    assert response.status_code == 302
    assert response["Location"].startswith("/meetings/rsvp/")
    assert response["Location"] == __import__("meetings.links").links.rsvp_url(invitation)
    assert [d.status for d in channel.deliveries.all()] == [Status.SENT, Status.SENT]


def test_sms_gateway_refusal_is_recorded_with_its_code_and_message(
    http, robot, meeting, people, secretariat, django_capture_on_commit_callbacks, settings
):
    settings.SMS_GATEWAY_URL = f"{robot.url}/sms"
    settings.CHANNEL_SEND_ATTEMPTS = 1
    robot.default = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发流控"}
    channel = ChannelFactory(kind=Channel.Kind.SMS, target="", partnership=meeting.partnership)
    invite(meeting, secretariat, django_capture_on_commit_callbacks)
    assert {d.error for d in channel.deliveries.all()} == {"isv.BUSINESS_LIMIT_CONTROL: 触发流控"}


def test_sms_text_keeps_within_two_segments_and_keeps_the_link(settings):
    settings.SMS_SIGN_NAME = "湘吐合作秘书处"
    link = "https://liaison.example.cn/meetings/r/12-AbCdEfGhIjKl/"
    text = sms.text(
        {
            "title": "会议通知：" + "很长的会议名称" * 30,
            "when": "2026-12-25 09:00 – 12:00",
            "place": "吐鲁番市 · 市政府会议室",
            "link": link,
        }
    )
    assert len(text) + len("【湘吐合作秘书处】") <= 140
    assert text.endswith(link)


def test_sms_opt_out_is_honoured_and_a_missing_phone_fails_at_once(
    meeting, secretariat, django_capture_on_commit_callbacks
):
    quiet = PersonFactory(sms_opt_out=True)
    no_phone = PersonFactory(phone="")
    for person in (quiet, no_phone):
        InvitationFactory(meeting=meeting, organisation=None, person=person)
    channel = ChannelFactory(kind=Channel.Kind.SMS, target="", partnership=meeting.partnership)
    invite(meeting, secretariat, django_capture_on_commit_callbacks)
    (delivery,) = channel.deliveries.all()
    assert delivery.recipient == no_phone.name
    assert (delivery.status, delivery.error) == (Status.FAILED, "no phone number")


# --- All channels at once, and the send log -----------------------------------------------------


def test_invitations_make_one_delivery_per_channel_and_recipient_shown_on_the_send_log(
    meeting, people, secretariat, django_capture_on_commit_callbacks, client_for
):
    transport.outbox.clear()
    wecom = ChannelFactory(
        kind=Channel.Kind.WECOM, name="企业微信联络群", partnership=meeting.partnership
    )
    ding = ChannelFactory(
        kind=Channel.Kind.DINGTALK,
        name="钉钉联络群",
        target="https://oapi.dingtalk.com/robot/send?access_token=t",
        partnership=meeting.partnership,
    )
    phones = ChannelFactory(
        kind=Channel.Kind.SMS, name="联络员短信", target="", partnership=meeting.partnership
    )
    ChannelFactory(kind=Channel.Kind.WECOM, name="别的合作关系")  # another partnership's group
    invite(meeting, secretariat, django_capture_on_commit_callbacks)

    rows = ChannelDelivery.objects.order_by("channel_id", "recipient")
    assert [(d.channel_id, d.recipient, d.status) for d in rows] == [
        (wecom.pk, "企业微信联络群", Status.SENT),
        (ding.pk, "钉钉联络群", Status.SENT),
        (phones.pk, "李强 13800000002", Status.SENT),
        (phones.pk, "王芳 13800000001", Status.SENT),
    ]
    assert len(transport.outbox) == 4  # the development backend kept them

    page = client_for(secretariat).get(f"/meetings/{meeting.pk}/mail/").content.decode()
    for text in ("企业微信联络群", "钉钉联络群", "王芳 13800000001", "李强 13800000002"):
        assert text in page
    assert "access_token=t" not in page


def test_a_channel_can_leave_a_kind_of_notice_out(
    meeting, people, secretariat, django_capture_on_commit_callbacks
):
    channel = ChannelFactory(partnership=meeting.partnership, notice_kinds=["cancellation"])
    invite(meeting, secretariat, django_capture_on_commit_callbacks)
    assert not channel.deliveries.exists()


# --- Channels: safety, pages, API, permissions -------------------------------------------------


@pytest.mark.parametrize(
    "target, allowed",
    [
        ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", True),
        ("http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", False),
        ("http://127.0.0.1:8000/robot", False),
    ],
)
def test_only_https_targets_in_production(settings, secretariat, partnership_of, target, allowed):
    settings.TESTING = False
    settings.DEBUG = False
    channel = Channel(
        kind="wecom", name="群", target=target, audience="partnership", partnership=partnership_of
    )
    if allowed:
        save_channel(channel, actor=secretariat)
    else:
        with pytest.raises(Exception, match="https"):
            save_channel(channel, actor=secretariat)
        assert not Channel.objects.exists()


def test_plain_http_to_loopback_is_allowed_in_tests(secretariat, partnership_of):
    channel = Channel(
        kind="wecom",
        name="群",
        target="http://127.0.0.1:8000/robot",
        audience="partnership",
        partnership=partnership_of,
    )
    save_channel(channel, actor=secretariat)
    assert channel.pk


@pytest.fixture
def partnership_of(db):
    return MeetingFactory().partnership


def test_the_secret_is_stored_encrypted_and_never_shown_or_audited(
    api_for, client_for, secretariat, partnership_of
):
    api = api_for(secretariat)
    response = api.post(
        "/api/v1/channels/",
        {
            "kind": "dingtalk",
            "name": "钉钉联络群",
            "target": "https://oapi.dingtalk.com/robot/send?access_token=TOKEN42",
            "secret": "SECsecret42",
            "audience": "partnership",
            "partnership": partnership_of.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.content.decode()
    assert "SECsecret42" not in body and "TOKEN42" not in body
    assert response.json()["has_secret"] is True
    channel = Channel.objects.get()
    assert "SECsecret42" not in channel.secret_token
    assert channel.secret() == "SECsecret42"
    history = json.dumps(list(AuditEntry.objects.values("changes")), ensure_ascii=False)
    assert "SECsecret42" not in history and "TOKEN42" not in history
    page = client_for(secretariat).get(f"/channels/{channel.pk}/").content.decode()
    assert "SECsecret42" not in page and 'name="secret"' in page

    # Saving the form without typing a secret keeps it.
    response = client_for(secretariat).post(
        f"/channels/{channel.pk}/",
        {
            "kind": "dingtalk",
            "name": "钉钉联络群（改）",
            "target": "https://oapi.dingtalk.com/robot/send?access_token=TOKEN42",
            "audience": "partnership",
            "partnership": partnership_of.pk,
            "notice_kinds": ["invitation", "cancellation"],
            "active": "on",
        },
    )
    assert response.status_code == 302
    channel.refresh_from_db()
    assert (channel.name, channel.secret()) == ("钉钉联络群（改）", "SECsecret42")
    assert channel.notice_kinds == ["invitation", "cancellation"]


@pytest.mark.parametrize("door", ["page", "api"])
def test_a_channel_keeps_only_whom_its_audience_names(
    door, client_for, api_for, secretariat, partnership_of
):
    """A picker filled in before the audience changed (the form shows all three without
    script) or an address typed for SMS is not kept, whichever door the channel came in by."""
    person = PersonFactory(phone="13800000001")
    fields = {
        "kind": "sms",
        "name": "短信提醒",
        "target": "https://sms.example.cn/leftover",
        "audience": "person",
        "partnership": partnership_of.pk,
        "organisation": person.organisation_id,
        "person": person.pk,
        "notice_kinds": ["invitation"],
        "active": True,
    }
    if door == "page":
        response = client_for(secretariat).post("/channels/add/", {**fields, "active": "on"})
        assert response.status_code == 302
    else:
        response = api_for(secretariat).post("/api/v1/channels/", fields, format="json")
        assert response.status_code == 201, response.content

    channel = Channel.objects.get()
    assert (channel.person_id, channel.partnership_id, channel.organisation_id) == (
        person.pk,
        None,
        None,
    )
    assert channel.target == ""


@pytest.mark.parametrize("name", ["official", "member_a", "anonymous"])
def test_only_the_secretariat_sees_channels(client_for, api_for, persona, name):
    ChannelFactory()
    page = client_for(persona[name]).get("/channels/")
    assert page.status_code in (302, 403)
    assert api_for(persona[name]).get("/api/v1/channels/").status_code in (401, 403)
    response = api_for(persona[name]).post("/api/v1/channels/", {"kind": "sms", "name": "x"})
    assert response.status_code in (401, 403)
    assert Channel.objects.count() == 1


def test_channel_list_page_query_count_constant(client_for, secretariat, pinned_queries):
    pinned_queries(client_for(secretariat), "/channels/", ChannelFactory, queries=5)


def test_api_channels_query_count_constant(api_for, secretariat, pinned_queries):
    pinned_queries(api_for(secretariat), "/api/v1/channels/", ChannelFactory, queries=4)


# --- The inbox ----------------------------------------------------------------------------------


def test_a_member_finds_the_invitation_in_the_inbox_and_opening_it_marks_it_read(
    meeting, member_a, enterprise_a, secretariat, django_capture_on_commit_callbacks, client_for
):
    InvitationFactory(meeting=meeting, organisation=enterprise_a)
    invite(meeting, secretariat, django_capture_on_commit_callbacks)
    (notice,) = Notice.objects.filter(user=member_a)
    assert notice.title == "会议通知：第二次联席会议"
    client = client_for(member_a)

    page = client.get("/").content.decode()
    assert 'id="nav-notices"' in page and 'class="badge count"' in page
    response = client.get(f"/notices/{notice.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{meeting.pk}/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'class="badge count"' not in client.get("/").content.decode()


def test_nobody_reads_anothers_notices(client_for, api_for, member_a, member_b):
    notice = NoticeFactory(user=member_a)
    assert client_for(member_b).get(f"/notices/{notice.pk}/").status_code == 404
    assert notice.title not in client_for(member_b).get("/notices/").content.decode()
    assert api_for(member_b).get("/api/v1/notices/").json()["results"] == []
    assert api_for(member_b).post(f"/api/v1/notices/{notice.pk}/read/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None
    mine = api_for(member_a).get("/api/v1/notices/?unread=true").json()["results"]
    assert [n["id"] for n in mine] == [notice.pk]
    api_for(member_a).post(f"/api/v1/notices/{notice.pk}/read/")
    assert api_for(member_a).get("/api/v1/notices/?unread=true").json()["results"] == []


def test_notice_list_page_query_count_constant(client_for, member_a, pinned_queries):
    pinned_queries(
        client_for(member_a), "/notices/", lambda: NoticeFactory(user=member_a), queries=6
    )


def test_api_notices_query_count_constant(api_for, member_a, pinned_queries):
    pinned_queries(
        api_for(member_a), "/api/v1/notices/", lambda: NoticeFactory(user=member_a), queries=4
    )
