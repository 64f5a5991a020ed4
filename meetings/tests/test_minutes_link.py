"""The meeting page offers "会议纪要和议定事项" only to those whom it leads somewhere: the link
is shown exactly when the minutes page opens (no link to a 404)."""

import pytest
from django.urls import reverse

from meetings import minutes as workflow
from meetings.tests.minutes_setup import published

pytestmark = pytest.mark.django_db

LINK = "会议纪要和议定事项"


def offered_and_opens(client, meeting) -> tuple[bool, int]:
    page = client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    url = reverse("meeting-minutes", args=[meeting.pk])
    offered = f'href="{url}"' in page
    assert offered == (LINK in page)
    return offered, client.get(url, follow=True).status_code


def roles(persona, setting):
    return {
        "secretariat": persona["secretariat"],
        "official": persona["official"],
        "member_a": persona["member_a"],  # its enterprise was invited
        "member_b": persona["member_b"],  # its enterprise was not
        "approver_a": setting.approver_a,
        "liaison_a": setting.liaison_a,
    }


def test_held_meeting_without_minutes_offers_only_the_secretariat_to_start(
    setting, persona, client_for
):
    seen = {
        name: offered_and_opens(client_for(user), setting.meeting)
        for name, user in roles(persona, setting).items()
    }

    assert seen == {
        "secretariat": (True, 200),
        "official": (False, 404),
        "member_a": (False, 404),
        "member_b": (False, 404),
        "approver_a": (False, 404),
        "liaison_a": (False, 404),
    }


def test_draft_minutes_are_offered_to_their_reviewers_only(
    setting, minutes, persona, client_for, fake_renderer
):
    seen = {
        name: offered_and_opens(client_for(user), setting.meeting)
        for name, user in roles(persona, setting).items()
    }

    assert seen == {
        "secretariat": (True, 200),
        "official": (False, 404),
        "member_a": (False, 404),
        "member_b": (False, 404),
        "approver_a": (True, 200),
        "liaison_a": (True, 200),
    }


def test_published_minutes_are_offered_to_readers_but_not_to_uninvited_members(
    setting, minutes, persona, secretariat, client_for, fake_renderer
):
    published(minutes, setting, secretariat)

    seen = {
        name: offered_and_opens(client_for(user), setting.meeting)
        for name, user in roles(persona, setting).items()
    }

    assert seen == {
        "secretariat": (True, 200),
        "official": (True, 200),
        "member_a": (True, 200),
        "member_b": (False, 404),
        "approver_a": (True, 200),
        "liaison_a": (True, 200),
    }


def test_the_page_and_the_link_ask_the_same_question(setting, minutes, persona, secretariat):
    published(minutes, setting, secretariat)

    assert workflow.may_open_minutes(persona["member_a"], setting.meeting)
    assert not workflow.may_open_minutes(persona["member_b"], setting.meeting)
    version = workflow.readable_version(persona["member_a"], setting.meeting)
    assert version == workflow.current_version(minutes)
    assert workflow.readable_version(persona["member_b"], setting.meeting) is None
