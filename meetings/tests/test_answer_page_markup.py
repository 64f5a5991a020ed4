"""The answer page's HTML is the same with the project's form renderer as with Django's form
templates: as the mail's one-tap link opens it, for a waiting answer, and refused with errors on
its fields; in Chinese and in English."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import override_settings

from liaison.tests.factories import OrganisationFactory, PersonFactory
from meetings import links, services
from meetings.models import Invitation, Meeting
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

S = Invitation.Status
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def meeting():
    start = datetime.now(UTC) + timedelta(days=30)
    return MeetingFactory(
        start=start,
        end=start + timedelta(hours=3),
        capacity=1,
        answer_fields=list(Meeting.AnswerField.values),
    )


@pytest.fixture
def pending(meeting, enterprise_a):
    PersonFactory(organisation=enterprise_a, name="王联络", is_liaison=True)
    return InvitationFactory(meeting=meeting, organisation=enterprise_a)


@pytest.fixture
def waiting(meeting, secretariat):
    """Accepted once the meeting's one seat is taken: on the waiting list."""
    for n in range(2):
        invitation = InvitationFactory(meeting=meeting, organisation=OrganisationFactory())
        result = services.record_rsvp(
            invitation,
            status=S.ACCEPTED,
            attendees=[{"name": f"张三{n}", "arrival_date": date(2026, 12, 17)}],
            delegate={"name": "王五", "title": "副总经理 & 代表", "phone": ""},
            note="晚到 <半小时>",
            actor=secretariat,
            channel=Invitation.Channel.PHONE,
        )
    assert result.invitation.status == S.WAITLISTED
    return result.invitation


def refused_answer() -> dict:
    """The full form sent without an answer chosen and with a field of each kind wrong."""
    return {
        "attendee-TOTAL_FORMS": "2",
        "attendee-INITIAL_FORMS": "0",
        "attendee-MIN_NUM_FORMS": "0",
        "attendee-MAX_NUM_FORMS": "50",
        "attendee-0-name": '张"三" <b>',
        "attendee-0-phone": "abc",
        "attendee-0-arrival_date": "2026-12-19",
        "attendee-0-departure_date": "2026-12-17",
        "attendee-0-needs_accommodation": "on",
        "attendee-0-dietary": "halal",
        "attendee-1-name": "李四",
        "attendee-1-arrival_date": "not a date",
        "delegate_phone": "1" * 40,
        "note": "备注 & <说明>",
    }


def both_ways(send) -> tuple[str, str]:
    """The page as this project prints it and as Django's form templates do."""
    ours = send()
    with override_settings(FORM_RENDERER="django.forms.renderers.DjangoTemplates"):
        theirs = send()
    assert ours.status_code == theirs.status_code == 200
    return tuple(CSRF_TOKEN.sub("csrf", page.content.decode()) for page in (ours, theirs))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_one_tap_page_is_printed_as_with_djangos_templates(client, pending, language):
    url = links.rsvp_url(pending, S.ACCEPTED)

    ours, theirs = both_ways(lambda: client.get(url, HTTP_ACCEPT_LANGUAGE=language))

    assert ours == theirs
    assert 'id="confirm-answer"' in ours and "王联络" in ours
    assert (
        '<input type="radio" name="status" value="accepted" id="id_status_0" required checked>'
        in ours
    )
    assert '<label for="id_attendee-0-name">' in ours


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_waiting_answer_is_printed_as_with_djangos_templates(client, waiting, language):
    url = links.rsvp_url(waiting, S.ACCEPTED)

    ours, theirs = both_ways(lambda: client.get(url, HTTP_ACCEPT_LANGUAGE=language))

    assert ours == theirs
    assert 'id="answer-recorded"' in ours
    # Dates as ISO values, the only ones a browser's date input shows; the rest escaped.
    assert 'name="attendee-0-arrival_date" value="2026-12-17"' in ours
    assert 'value="副总经理 &amp; 代表"' in ours and "晚到 &lt;半小时&gt;</textarea>" in ours


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_refused_answer_is_printed_as_with_djangos_templates(client, pending, language):
    url = links.rsvp_url(pending)

    ours, theirs = both_ways(
        lambda: client.post(url, refused_answer(), HTTP_ACCEPT_LANGUAGE=language)
    )

    assert ours == theirs
    assert 'value="accepted" id="id_status_0" required aria-invalid="true">' in ours
    assert 'name="attendee-1-arrival_date" value="not a date" aria-invalid="true"' in ours
    assert 'value="张&quot;三&quot; &lt;b&gt;"' in ours
    assert 'class="field-error"' in ours
    pending.refresh_from_db()
    assert pending.status == S.PENDING
