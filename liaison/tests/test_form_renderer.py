"""The form renderer prints what Django's templates print, character for character: every field
of the project's forms with awkward values and attributes, labels, errors and whole forms, in
both languages; and it leaves to the templates what it does not cover."""

import copy
from datetime import date
from itertools import islice
from pathlib import Path

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe

from liaison.form_renderer import PYTHON_TEMPLATES, FormRenderer, NotCovered
from liaison.tests.test_widgets import project_forms
from meetings.forms import AnswerForm, AttendeeForm
from meetings.models import Meeting
from meetings.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

AWKWARD = "A <b> & \"c\" 'd'"
ATTRS = [
    {},
    {"id": "id_field"},
    {"id": "id_field", "required": True, "disabled": False, "aria-invalid": "true"},
    {"id": "id_field", "class": "wide", "maxlength": 64, "placeholder": mark_safe("<i>")},
]


class PythonOnly(FormRenderer):
    """The renderer without its way back to the templates, noting what it printed."""

    printed: set[str] = set()

    def render(self, template_name, context, request=None):
        render = self.python_templates.get(template_name)
        if render is not None:
            try:
                html = render(context).strip()
            except NotCovered:
                pass
            else:
                self.printed.add(template_name)
                return html
        return DjangoTemplates.render(self, template_name, context, request)


PYTHON, DJANGO = PythonOnly(), DjangoTemplates()
DJANGO_FORMS = Path(forms.__file__).parent / "templates"


def values_for(field: forms.Field) -> list:
    values = [None, "", AWKWARD, mark_safe("<safe>"), 0, 1.5, date(2026, 12, 17), True, False]
    try:
        choices = [value for value, _label in islice(getattr(field, "choices", []), 3)]
    except AttributeError:
        choices = []  # a model choice field whose form sets its query
    return values + [str(value) for value in choices] + [[str(value) for value in choices]]


def rendered(widget: forms.Widget, value, attrs: dict, renderer) -> str | None:
    try:
        return widget.render("field", value, attrs=dict(attrs), renderer=renderer)
    except (TypeError, ValueError, AttributeError):
        return None  # a value this widget cannot show at all


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_field_of_the_project_prints_as_djangos_templates(language):
    widgets = 0
    with translation.override(language):
        for form_class in project_forms():
            for field in form_class.base_fields.values():
                widget = copy.deepcopy(field.widget)
                widgets += 1
                for value in values_for(field):
                    for attrs in ATTRS:
                        expected = rendered(widget, value, attrs, DJANGO)
                        assert rendered(widget, value, attrs, PYTHON) == expected, (widget, value)
    assert widgets > 100
    # Each kind of field the answer page shows was printed in Python, not by the templates.
    assert {
        "django/forms/widgets/text.html",
        "django/forms/widgets/date.html",
        "django/forms/widgets/checkbox.html",
        "django/forms/widgets/select.html",
        "django/forms/widgets/radio.html",
        "django/forms/widgets/textarea.html",
    } <= PythonOnly.printed


@pytest.fixture
def travel_meeting():
    return MeetingFactory(answer_fields=list(Meeting.AnswerField.values))


def answer_forms(renderer, meeting) -> list[forms.BaseForm]:
    """The answer page's forms, blank and refused, the latter with errors on every kind of
    field and above the form."""
    refused_attendee = {
        "name": AWKWARD,
        "phone": "abc",
        "arrival_date": "2026-12-19",
        "departure_date": "2026-12-17",
        "needs_accommodation": "on",
        "dietary": "bogus",
    }
    refused = AttendeeForm(refused_attendee, meeting=meeting, renderer=renderer)
    refused.add_error(None, AWKWARD)
    return [
        AnswerForm(renderer=renderer),
        AnswerForm(initial={"status": "accepted", "note": AWKWARD}, renderer=renderer),
        AnswerForm({"status": "bogus", "delegate_phone": "1" * 40}, renderer=renderer),
        AttendeeForm(meeting=meeting, renderer=renderer, auto_id=False),
        AttendeeForm(meeting=meeting, initial={"arrival_date": date(2026, 12, 17)}),
        refused,
    ]


def printed(form: forms.BaseForm) -> list[str]:
    parts = [form.as_div(), form.as_p(), form.as_table(), form.as_ul()]
    for field in form:
        parts += [field.label_tag(), field.legend_tag(), str(field.errors), str(field)]
        parts += [field.label_tag(attrs={"class": "x"}, label_suffix="", tag="span")]
        parts += [radio.tag() for radio in field.subwidgets]
    return [*parts, str(form.non_field_errors())]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_answer_forms_print_as_with_djangos_templates(language, travel_meeting):
    with translation.override(language):
        ours = [printed(form) for form in answer_forms(PYTHON, travel_meeting)]
        theirs = [printed(form) for form in answer_forms(DJANGO, travel_meeting)]
    assert ours == theirs
    assert 'value="2026-12-17"' in str(ours)
    formsets = [
        forms.formset_factory(AttendeeForm, extra=2, renderer=renderer)(
            prefix="attendee", form_kwargs={"meeting": travel_meeting}
        )
        for renderer in (PYTHON, DJANGO)
    ]
    assert str(formsets[0].management_form) == str(formsets[1].management_form)
    assert formsets[0].as_div() == formsets[1].as_div()
    assert {"django/forms/label.html", "django/forms/div.html"} <= PythonOnly.printed


def test_what_the_functions_do_not_cover_goes_to_the_templates():
    """Here a choice printed with a template that is not one of the options'."""

    class PlainRadios(forms.RadioSelect):
        option_template_name = "django/forms/widgets/input.html"

    widget = PlainRadios(choices=[("a", AWKWARD)])

    html = widget.render("field", "a", renderer=FormRenderer())

    assert html == widget.render("field", "a", renderer=DJANGO)
    assert '<input type="radio" name="field" value="a" checked>' in html


def test_a_template_overridden_by_an_app_sends_every_field_to_the_templates(tmp_path):
    (tmp_path / "django/forms/widgets").mkdir(parents=True)
    (tmp_path / "django/forms/widgets/input.html").write_text("<input data-app>")

    class Overridden(FormRenderer):
        @cached_property
        def engine(self):
            return self.backend(
                {"APP_DIRS": True, "DIRS": [tmp_path, DJANGO_FORMS], "NAME": "app", "OPTIONS": {}}
            )

    renderer = Overridden()

    assert renderer.python_templates == {}
    assert forms.TextInput().render("field", "x", renderer=renderer) == "<input data-app>"
    assert FormRenderer().python_templates is PYTHON_TEMPLATES
