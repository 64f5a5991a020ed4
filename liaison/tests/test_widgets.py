"""Every date and datetime input renders an ISO value in Chinese, the only form a browser's
``<input type="date">`` / ``type="datetime-local"`` accepts, and parses it back."""

import importlib
import inspect
from datetime import date, datetime

import pytest
from django import forms
from django.utils import timezone, translation

from agreements.forms import ProgressReportForm, StatusChangeForm
from agreements.models import Agreement
from liaison.tests.factories import PartnershipFactory
from liaison.widgets import IsoDateInput, IsoDateTimeInput
from meetings.forms import AttendeeForm, PostponeForm, RescheduleForm, ScheduleForm
from meetings.minutes.forms import DecisionForm, FollowUpForm
from meetings.models import Meeting
from meetings.tests.factories import MeetingFactory

DAY = date(2026, 12, 17)
MOMENT = datetime(2026, 12, 17, 9, 30)

FORM_MODULES = (
    "liaison.forms",
    "reports.forms",
    "agreements.forms",
    "meetings.forms",
    "meetings.minutes.forms",
    "meetings.calendars.views",
)


def project_forms():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__ == module_name:
                yield value


def test_every_date_field_of_the_project_uses_the_iso_inputs():
    checked = 0
    for form_class in project_forms():
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.DateTimeField):
                assert isinstance(field.widget, IsoDateTimeInput), (form_class, name)
                checked += 1
            elif isinstance(field, forms.DateField):
                assert isinstance(field.widget, IsoDateInput), (form_class, name)
                checked += 1
    assert checked >= 12


@pytest.fixture
def travel_meeting(db):
    return MeetingFactory(answer_fields=list(Meeting.AnswerField.values))


def date_forms(travel_meeting):
    """Each form with a date field, given a date as its initial value: (form, field name)."""
    agreement = Agreement(status=Agreement.Status.SIGNED)
    return [
        (AttendeeForm(meeting=travel_meeting, initial={"arrival_date": DAY}), "arrival_date"),
        (AttendeeForm(meeting=travel_meeting, initial={"departure_date": DAY}), "departure_date"),
        (DecisionForm(initial={"deadline": DAY}), "deadline"),
        (FollowUpForm(initial={"date": DAY}), "date"),
        (StatusChangeForm(agreement=agreement, initial={"on": DAY}), "on"),
        (ProgressReportForm(initial={"period_start": DAY}), "period_start"),
        (ProgressReportForm(initial={"period_end": DAY}), "period_end"),
    ]


def datetime_forms(travel_meeting):
    partnership = travel_meeting.partnership or PartnershipFactory()
    moment = timezone.make_aware(MOMENT)
    schedule = ScheduleForm(
        partnership=partnership,
        ad_hoc=True,
        initial={"start": moment, "end": moment, "rsvp_deadline": moment},
    )
    return [
        (schedule, "start"),
        (schedule, "end"),
        (schedule, "rsvp_deadline"),
        (PostponeForm(initial={"new_start": moment, "new_end": moment}), "new_start"),
        (PostponeForm(initial={"new_start": moment, "new_end": moment}), "new_end"),
        (RescheduleForm(initial={"start": moment, "end": moment}), "start"),
        (RescheduleForm(initial={"start": moment, "end": moment}), "end"),
    ]


def test_date_inputs_render_iso_in_chinese(travel_meeting):
    with translation.override("zh-hans"):
        for form, name in date_forms(travel_meeting):
            html = str(form[name])
            assert 'type="date"' in html, (form, name)
            assert 'value="2026-12-17"' in html, (type(form).__name__, name, html)


def test_datetime_inputs_render_iso_in_chinese(travel_meeting):
    with translation.override("zh-hans"):
        for form, name in datetime_forms(travel_meeting):
            html = str(form[name])
            assert 'type="datetime-local"' in html, (form, name)
            assert 'value="2026-12-17T09:30"' in html, (type(form).__name__, name, html)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_iso_values_are_read_back_in_each_language(travel_meeting, language):
    with translation.override(language):
        for form, name in date_forms(travel_meeting):
            assert form.fields[name].clean("2026-12-17") == DAY, (type(form).__name__, name)
        for form, name in datetime_forms(travel_meeting):
            cleaned = form.fields[name].clean("2026-12-17T09:30")
            assert timezone.make_naive(cleaned) == MOMENT, (type(form).__name__, name)
