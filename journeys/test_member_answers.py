"""A member answers the invitation from the links in its mail, on a phone, without signing in."""

from datetime import date

import pytest
from playwright.sync_api import expect

from liaison.tests.factories import PersonFactory
from meetings.links import rsvp_url
from meetings.models import Invitation
from meetings.tests.factories import InvitationFactory


def fill_attendee(page, row: int, values: dict) -> None:
    for name, value in values.items():
        field = page.locator(f"#id_attendee-{row}-{name}")
        if value is True:
            field.check()
        else:
            field.fill(value)


ATTENDEES = [
    {
        "name": "王喆",
        "title": "总经理",
        "phone": "13800000001",
        "arrival_date": "2027-01-10",
        "arrival_transport": "CZ6801",
        "departure_date": "2027-01-13",
        "departure_transport": "CZ6802",
        "needs_accommodation": True,
    },
    {
        "name": "李赟",
        "title": "办公室主任",
        "phone": "13800000002",
        "arrival_date": "2027-01-11",
        "arrival_transport": "D2701",
        "departure_date": "2027-01-12",
        "departure_transport": "D2702",
        "needs_accommodation": True,
    },
]


@pytest.mark.also_without_javascript
def test_member_answers_from_the_mail_link_and_edits_the_note(journey, event, enterprise_a):
    invitation = InvitationFactory(meeting=event, organisation=enterprise_a)
    member = journey.visitor("member")
    page = member.page
    member.open(rsvp_url(invitation), "answer-page")

    page.locator("input[name=status][value=accepted]").check()
    for row, attendee in enumerate(ATTENDEES):
        fill_attendee(page, row, attendee)
    page.get_by_text("委派代表参会？").click()
    page.locator("#id_delegate_name").fill("张敏")
    page.locator("#id_delegate_title").fill("副总经理")
    page.locator("#id_delegate_phone").fill("13900000003")
    member.step("answer-filled")
    page.locator("button.primary").click()
    member.step("answer-sent")
    expect(page.locator("#answer-recorded")).to_contain_text("参加")

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.answered_via == Invitation.Channel.LINK
    assert (invitation.delegate_name, invitation.delegate_title, invitation.delegate_phone) == (
        "张敏",
        "副总经理",
        "13900000003",
    )
    assert stored_attendees(invitation) == expected_attendees()

    # Later, from the same mail: only the note changes.
    member.open(rsvp_url(invitation), "answer-reopened")
    page.locator("#id_note").fill("王总需要清真餐")
    page.locator("button.primary").click()
    member.step("note-sent")

    invitation.refresh_from_db()
    assert invitation.note == "王总需要清真餐"
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.delegate_name == "张敏"
    assert stored_attendees(invitation) == expected_attendees()


def stored_attendees(invitation) -> list[dict]:
    return list(
        invitation.attendees.order_by("position").values(
            "name",
            "title",
            "phone",
            "arrival_date",
            "arrival_transport",
            "departure_date",
            "departure_transport",
            "needs_accommodation",
        )
    )


def expected_attendees() -> list[dict]:
    return [
        {
            **attendee,
            "arrival_date": date.fromisoformat(attendee["arrival_date"]),
            "departure_date": date.fromisoformat(attendee["departure_date"]),
        }
        for attendee in ATTENDEES
    ]


@pytest.mark.also_without_javascript
def test_member_accepts_with_one_tap_from_the_mail(journey, event, enterprise_a):
    person = PersonFactory(organisation=enterprise_a, name="王喆", title="总经理")
    invitation = InvitationFactory(meeting=event, organisation=enterprise_a, person=person)
    member = journey.visitor("member")
    page = member.page
    member.open(rsvp_url(invitation, "accepted"), "one-tap-page")

    # Opening the link records nothing (mail scanners open every link).
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING
    confirm = page.locator("form#quick-answer button#confirm-answer")
    expect(confirm).to_be_in_viewport()
    confirm.click()
    member.step("one-tap-confirmed")

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.answered_via == Invitation.Channel.LINK
    assert [a.name for a in invitation.attendees.all()] == ["王喆"]
