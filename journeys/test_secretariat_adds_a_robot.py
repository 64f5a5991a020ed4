"""The secretariat adds a 企业微信 robot for the partnership's liaison group on the channels
page (saving it twice, reopening it between), sends a meeting's invitations, and finds the
group message delivered to the (fake) robot on the meeting's send log and in the database."""

import os
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from journeys.conftest import OUTSIDE_SERVER
from liaison.models import Channel, ChannelDelivery
from liaison.tests.factories import PersonFactory
from liaison.tests.robot_server import FakeRobot
from meetings.tests.factories import InvitationFactory, MeetingFactory


@pytest.fixture
def robot(settings):
    if OUTSIDE_SERVER:
        # The outside servers post to robots for real and trust the rehearsal's certificate.
        server = FakeRobot(tls=(os.environ["CLUSTER_TLS_CERT"], os.environ["CLUSTER_TLS_KEY"]))
    else:
        settings.ROBOT_BACKEND = "http"
        server = FakeRobot()
    yield server
    server.stop()


@pytest.fixture
def meeting(transactional_db):
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)
    found = MeetingFactory(title="第三次联席会议", start=start, end=start + timedelta(hours=3))
    InvitationFactory(meeting=found, organisation=None, person=PersonFactory(name="王芳"))
    return found


def save_form(staff, step: str) -> None:
    page = staff.page
    with page.expect_navigation():
        page.locator("#channel-form button[type=submit]").click()
    staff.step(step)
    expect(page.locator(".messages")).to_contain_text("已保存")


def test_secretariat_adds_a_wecom_robot_and_the_invitation_reaches_the_group(
    journey, secretariat, meeting, robot
):
    staff = journey.visitor(secretariat.username)
    staff.enter_as(secretariat)
    page = staff.page
    staff.open("/channels/", "channels")
    with page.expect_navigation():
        page.locator("#add-channel").click()
    staff.step("add-channel")
    page.locator("#id_kind").select_option("wecom")
    page.locator("#id_name").fill("湘吐联络群")
    page.locator("#id_target").fill(f"{robot.url}/cgi-bin/webhook/send?key=journey")
    # Only what a 企业微信 robot for the partnership needs is in sight.
    expect(page.locator("#id_secret")).to_be_hidden()
    page.locator("#id_audience").select_option("partnership")
    expect(page.locator("#id_organisation")).to_be_hidden()
    expect(page.locator("#id_person")).to_be_hidden()
    page.locator("#id_partnership").select_option(str(meeting.partnership_id))
    save_form(staff, "channel-saved")
    expect(page.locator(".rows")).to_contain_text("湘吐联络群")
    expect(page.locator(".rows")).not_to_contain_text("key=journey")

    with page.expect_navigation():
        page.get_by_role("link", name="湘吐联络群").click()
    staff.step("channel-reopened")
    expect(page.locator("#id_target")).to_have_value(
        f"{robot.url}/cgi-bin/webhook/send?key=journey"
    )
    expect(page.locator("#id_partnership")).to_be_visible()
    expect(page.locator("#id_person")).to_be_hidden()
    page.locator("#id_name").fill("湘吐合作联络群")
    save_form(staff, "channel-saved-again")

    channel = Channel.objects.get()
    assert (channel.kind, channel.name, channel.partnership_id) == (
        "wecom",
        "湘吐合作联络群",
        meeting.partnership_id,
    )
    assert "invitation" in channel.notice_kinds

    staff.open(f"/meetings/{meeting.pk}/mail/", "send-log")
    with page.expect_navigation():
        page.locator("#send-not-mailed").click()
    staff.step("invitations-sent")
    journey.settle()
    staff.open(f"/meetings/{meeting.pk}/mail/", "send-log-reopened")
    expect(page.locator("#channel-deliveries")).to_contain_text("湘吐合作联络群")
    expect(page.locator("#channel-deliveries")).to_contain_text("已发送")

    (delivery,) = ChannelDelivery.objects.filter(channel=channel)
    assert (delivery.status, delivery.error, delivery.meeting_ref) == ("sent", "", meeting.pk)
    (request,) = robot.requests
    assert request["query"] == {"key": "journey"}
    assert request["json"]["markdown"]["content"].startswith("**会议通知：第三次联席会议**")
