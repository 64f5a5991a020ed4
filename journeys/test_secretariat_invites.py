"""The secretariat schedules a meeting asking for travel and accommodation, invites the
association and one more enterprise found by search, sends the invitations and watches the
answers arrive (a member answers from the mail on a phone)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from journeys.conftest import in_a_month
from liaison.tests.factories import (
    AssociationFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
)
from meetings.models import Invitation, MailDelivery, Meeting


@pytest.fixture
def partnership(enterprise_a, enterprise_b):
    """A partnership whose association has enterprise A and a third enterprise as members;
    enterprise B is not a member. Each enterprise has a liaison with a mailbox."""
    partnership = PartnershipFactory(name="湘吐合作")
    association = AssociationFactory(partnership=partnership, name="湘吐企业互助联谊会")
    third = OrganisationFactory(name="丙企业有限公司")
    for organisation in (enterprise_a, third):
        MembershipFactory(association=association, organisation=organisation)
    for organisation, email in (
        (enterprise_a, "liaison@a.example.cn"),
        (enterprise_b, "liaison@b.example.cn"),
        (third, "liaison@c.example.cn"),
    ):
        PersonFactory(organisation=organisation, is_liaison=True, email=email)
    return partnership


def local(moment) -> str:
    """A datetime-local input's value, in Beijing time."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.also_without_javascript
def test_secretariat_schedules_invites_sends_and_sees_answers(
    journey, secretariat, partnership, enterprise_a, enterprise_b
):
    staff = journey.visitor(secretariat.username)
    page = staff.page
    staff.enter_as(secretariat)

    # Schedule an investment promotion that asks for travel and accommodation.
    staff.open(f"/partnerships/{partnership.pk}/", "partnership")
    page.get_by_role("link", name="安排会议").click()
    staff.step("schedule-form")
    start = in_a_month()
    page.locator("#id_kind").select_option("promotion")
    page.locator("#id_title").fill("吐鲁番招商推介会")
    page.locator("#id_start").fill(local(start))
    page.locator("#id_end").fill(local(start + timedelta(hours=3)))
    page.locator("#id_city").fill("吐鲁番市")
    page.locator("#id_venue").fill("吐鲁番宾馆")
    for field in ("phone", "travel", "accommodation"):
        page.locator(f"input[name=answer_fields][value={field}]").check()
    staff.step("schedule-filled")
    page.get_by_role("button", name="安排", exact=True).click()
    staff.step("scheduled")

    meeting = Meeting.objects.get(title="吐鲁番招商推介会")
    assert meeting.kind == Meeting.Kind.PROMOTION
    assert meeting.status == Meeting.Status.SCHEDULED
    assert meeting.start == start
    assert {"phone", "travel", "accommodation"} <= meeting.asked

    # Invite: the association in one click, enterprise B found by searching its name.
    page.get_by_role("link", name="邀请与回执").click()
    staff.step("invitations")
    page.locator("#invitee-search").fill("乙企业")
    page.locator("#invitee-search").press("Enter")
    staff.step("search")
    page.get_by_label(enterprise_b.name).check()
    page.locator("#invite-association").click()
    staff.step("confirm")
    # The confirm step says how many will be invited: the two members and enterprise B.
    expect(page.locator("form:has(#confirm-invite)")).to_contain_text("3")
    page.locator("#confirm-invite").click()
    staff.step("invited")

    invitations = meeting.invitations.select_related("organisation")
    assert {i.organisation.name for i in invitations} == {
        enterprise_a.name,
        enterprise_b.name,
        "丙企业有限公司",
    }
    # Sent at once: nothing is left waiting, so no button offers to send it.
    expect(page.get_by_role("button", name="发送尚未发出的会议通知")).to_have_count(0)
    journey.settle()
    sent = MailDelivery.objects.filter(meeting=meeting, kind=MailDelivery.Kind.INVITATION)
    assert sorted(sent.values_list("recipient", flat=True)) == [
        "liaison@a.example.cn",
        "liaison@b.example.cn",
        "liaison@c.example.cn",
    ]
    assert set(sent.values_list("status", flat=True)) == {MailDelivery.Status.SENT}

    # Enterprise A's liaison answers from the mail, on a phone.
    message = next(m for m in journey.mails() if m.to == ["liaison@a.example.cn"])
    link = re.search(rf"{re.escape(journey.server)}/meetings/rsvp/[^\s\"'<>?]+/", message.body)
    assert link, message.body
    member = journey.visitor("member", viewport="phone")
    member.page.goto(link.group(0))
    member.step("answer-page")
    member.page.locator("input[name=status][value=accepted]").check()
    member.page.locator("#id_attendee-0-name").fill("王喆")
    member.page.locator("#id_attendee-0-arrival_date").fill(local(start)[:10])
    member.page.locator("#id_attendee-0-needs_accommodation").check()
    member.page.locator("button.primary").click()
    member.step("answer-sent")

    # The secretariat sees the answer arrive.
    staff.open(f"/meetings/{meeting.pk}/invitations/", "answers")
    expect(page.locator("main")).to_contain_text("王喆")
    answered = Invitation.objects.get(meeting=meeting, organisation=enterprise_a)
    assert answered.status == Invitation.Status.ACCEPTED
    assert answered.answered_via == Invitation.Channel.LINK
    attendee = answered.attendees.get()
    assert (attendee.name, attendee.arrival_date, attendee.needs_accommodation) == (
        "王喆",
        timezone.localtime(start).date(),
        True,
    )
