"""Members answer from the home page's prompt; once the meeting is full, the next answer waits."""

import pytest
from playwright.sync_api import expect

from journeys.conftest import in_a_month
from meetings.models import Invitation
from meetings.tests.factories import InvitationFactory, MeetingFactory


def answer_from_home(person, user, names: list[str]) -> None:
    """Signed in as ``user``, follow the home page's prompt to the answer, accept naming
    ``names``."""
    page = person.page
    person.enter_as(user)
    person.open("/", "home")
    prompt = page.locator("#pending-invitations a.answer-link")
    expect(prompt).to_have_count(1)
    prompt.click()
    person.step("answer-page")
    page.locator("input[name=status][value=accepted]").check()
    for row, name in enumerate(names):
        page.locator(f"#id_attendee-{row}-name").fill(name)
    page.locator("button.primary").click()
    person.step("answer-sent")


@pytest.mark.also_without_javascript
def test_members_answer_from_the_home_page_and_the_second_waits(
    journey, member_a, member_b, enterprise_a, enterprise_b
):
    start = in_a_month()
    meeting = MeetingFactory(title="第四次联席会议", start=start, capacity=2)
    first = InvitationFactory(meeting=meeting, organisation=enterprise_a)
    second = InvitationFactory(meeting=meeting, organisation=enterprise_b)

    answer_from_home(journey.visitor(member_a.username), member_a, ["王喆", "李赟"])
    first.refresh_from_db()
    assert first.status == Invitation.Status.ACCEPTED
    assert first.answered_via == Invitation.Channel.PAGE
    assert [a.name for a in first.attendees.all()] == ["王喆", "李赟"]

    person = journey.visitor(member_b.username)
    answer_from_home(person, member_b, ["赵强"])
    expect(person.page.locator("#answer-recorded")).to_contain_text("会议名额已满")
    expect(person.page.locator("#answer-recorded .badge.answer-waitlisted")).to_have_text("候补")
    second.refresh_from_db()
    assert second.status == Invitation.Status.WAITLISTED
    assert second.waitlist_position == 1
    assert [a.name for a in second.attendees.all()] == ["赵强"]
    assert meeting.invitations.get(pk=first.pk).status == Invitation.Status.ACCEPTED

    # The waiting answer reads as an acceptance: saving it again with a note keeps its place.
    page = person.page
    expect(page.locator("input[name=status][value=accepted]")).to_be_checked()
    page.locator("#id_note").fill("如有名额请通知")
    page.locator("button.primary").click()
    person.step("answer-saved-again")
    expect(page.locator("#answer-recorded .badge.answer-waitlisted")).to_have_text("候补")
    second.refresh_from_db()
    assert (second.status, second.waitlist_position, second.note) == (
        Invitation.Status.WAITLISTED,
        1,
        "如有名额请通知",
    )
