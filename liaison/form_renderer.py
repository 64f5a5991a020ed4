"""The renderer of every form: Django's, with its commonest field templates written in Python.

Django renders each field through a chain of small templates (``text.html`` includes
``input.html``, which includes ``attrs.html``; each label goes through ``label.html``): on the
answer page, with its few fields, that was a third of the page's CPU time. The functions below
print the very same HTML, character for character, line breaks of the includes too
(``liaison/tests/test_form_renderer.py`` compares them with Django's templates on every field of
the project's forms). Any other template, a context they do not expect, or templates that an
installed app overrides are rendered by Django's templates as before."""

import html
from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.template.defaultfilters import stringformat
from django.utils.safestring import SafeData, mark_safe

# How a template prints a value: autoescaped, localized, as Django's renderer makes it.
_PRINTED = Context(autoescape=True)


class NotCovered(Exception):
    """A context the functions do not cover: Django's template prints it instead."""


def _text(value) -> str:
    """``{{ value }}``: a plain string (most values) only needs escaping."""
    if type(value) is str:
        return html.escape(value)
    return render_value_in_context(value, _PRINTED)


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps a safe value safe."""
    text = stringformat(value, "s")
    return _text(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs(attrs) -> str:
    """``attrs.html``. Its ``attrs.items`` would read an attribute named "items" instead."""
    if attrs is None:
        return ""
    if not isinstance(attrs, dict) or "items" in attrs:
        raise NotCovered
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


# Each function prints its template as Django does before the renderer strips the result:
# the line break at the end of a template's file is kept where another one includes it.


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>\n"
    )


def _input_option(widget: dict) -> str:
    if not widget["wrap_label"]:
        return _input(widget) + "\n"
    label_for = widget["attrs"].get("id")
    label_for = f' for="{_text(label_for)}"' if label_for else ""
    return f"<label{label_for}>{_input(widget)} {_text(widget['label'])}</label>\n"


def _multiple_input(widget: dict) -> str:
    attrs = widget["attrs"]
    id_, css_class = attrs.get("id"), attrs.get("class")
    parts = [
        "<div",
        f' id="{_text(id_)}"' if id_ else "",
        f' class="{_text(css_class)}"' if css_class else "",
        ">",
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_text(group)}</label>")
        parts.extend(f"<div>\n    {_option(option)}</div>" for option in options)
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n")
    return "".join(parts)


def _select(widget: dict) -> str:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f'\n  <optgroup label="{_text(group)}">')
        parts.extend(f"\n  {_option(option)}" for option in options)
        if group:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _select_option(widget: dict) -> str:
    return (
        f'<option value="{_formatted(widget["value"])}"{_attrs(widget["attrs"])}>'
        f"{_text(widget['label'])}</option>\n"
    )


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_text(value) if value else ''}</textarea>\n"
    )


def _label(context: dict) -> str:
    if not context["use_tag"]:
        return _text(context["label"]) + "\n"
    tag = _text(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{_text(context['label'])}</{tag}>\n"


def _hidden_form(context: dict) -> str:
    """``div.html`` of a form whose fields are all hidden, without errors (a formset's
    management form); other forms go to the template."""
    if context["fields"] or context["errors"]:
        raise NotCovered
    return "\n\n\n\n  " + "".join(_text(field) for field in context["hidden_fields"]) + "\n\n"


def _error_list(context: dict) -> str:
    errors = context["errors"]
    if not errors:
        return ""
    field_id = errors.field_id
    shown_id = f' id="{_text(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{_text(error)}</li>" for error in errors)
    return f'<ul class="{_text(context["error_class"])}"{shown_id}>{items}</ul>'


def _of_widget(render):
    """A widget's template: its context is ``{"widget": ...}``."""
    return lambda context: render(context["widget"])


def _including(render):
    """A template that only includes another one, and ends with a line break."""
    return lambda context: render(context) + "\n"


_WIDGETS = "django/forms/widgets/"
_INPUTS = ["text", "checkbox", "color", "date", "datetime", "email", "hidden", "number"]
_INPUTS += ["password", "search", "tel", "time", "url"]
_OPTIONS = {
    f"{_WIDGETS}input_option.html": _of_widget(_input_option),
    f"{_WIDGETS}radio_option.html": _including(_of_widget(_input_option)),
    f"{_WIDGETS}checkbox_option.html": _including(_of_widget(_input_option)),
    f"{_WIDGETS}select_option.html": _of_widget(_select_option),
}
# The templates printed in Python, by name.
PYTHON_TEMPLATES = {
    f"{_WIDGETS}input.html": _of_widget(_input),
    **{f"{_WIDGETS}{name}.html": _including(_of_widget(_input)) for name in _INPUTS},
    **_OPTIONS,
    f"{_WIDGETS}multiple_input.html": _of_widget(_multiple_input),
    f"{_WIDGETS}radio.html": _including(_of_widget(_multiple_input)),
    f"{_WIDGETS}checkbox_select.html": _including(_of_widget(_multiple_input)),
    f"{_WIDGETS}select.html": _of_widget(_select),
    f"{_WIDGETS}textarea.html": _of_widget(_textarea),
    "django/forms/label.html": _label,
    "django/forms/div.html": _hidden_form,
    "django/forms/errors/list/default.html": _error_list,
    "django/forms/errors/list/ul.html": _error_list,
}
# Django's templates that the functions stand for: those and the attribute lists they include.
STOOD_FOR = {*PYTHON_TEMPLATES, f"{_WIDGETS}attrs.html", "django/forms/attrs.html"}


def _option(option: dict) -> str:
    """``{% include option.template_name with widget=option %}``."""
    render = _OPTIONS.get(option["template_name"])
    if render is None:
        raise NotCovered
    return render({"widget": option})


class FormRenderer(DjangoTemplates):
    """Django's template renderer, printing the templates of ``PYTHON_TEMPLATES`` in Python
    while every template they stand for is Django's own file: if an installed app overrides
    one (``input.html``, say, which every text input includes), all go to the templates."""

    def __init__(self):
        super().__init__()
        django_templates = Path(django.forms.__file__).parent / "templates"
        own = all(
            Path(self.get_template(name).origin.name).is_relative_to(django_templates)
            for name in STOOD_FOR
        )
        self.python_templates = PYTHON_TEMPLATES if own else {}

    def render(self, template_name, context, request=None):
        render = self.python_templates.get(template_name)
        if render is not None and request is None:
            try:
                return render(context).strip()
            except (NotCovered, KeyError, AttributeError, TypeError):
                pass  # printed by the template instead
        return super().render(template_name, context, request)
