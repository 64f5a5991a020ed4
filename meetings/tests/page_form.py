"""What a browser sends back when a person submits a rendered form unchanged.

The test client posts whatever a test writes; a browser posts what the page shows. In
particular a browser drops a ``<input type="date">`` value that is not ISO (``2026/12/17``)
and sends the field empty, which is how dates were lost on re-saving an answer."""

import re
from html.parser import HTMLParser

# The HTML value sanitisation of date and datetime-local inputs: anything else becomes "".
BROWSER_FORMATS = {
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "datetime-local": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$"),
}
NOT_SENT = {"submit", "button", "reset", "image", "file"}


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._option: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value if value is not None else "" for name, value in attrs}
        if tag == "form":
            self._fields = []
        elif self._fields is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text").lower()
            value = attrs.get("value", "")
            if kind in NOT_SENT or (kind in ("checkbox", "radio") and "checked" not in attrs):
                return
            if kind in ("checkbox", "radio") and "value" not in attrs:
                value = "on"
            if kind in BROWSER_FORMATS and not BROWSER_FORMATS[kind].match(value):
                value = ""
            self._fields.append((attrs["name"], value))
        elif tag == "textarea" and attrs.get("name"):
            self._textarea, self._text = attrs["name"], ""
        elif tag == "select" and attrs.get("name"):
            self._select, self._select_first, self._select_chosen = attrs["name"], None, False
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": attrs.get("value"),
                "selected": "selected" in attrs,
                "text": "",
            }

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data
        elif self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "form" and self._fields is not None:
            self.forms.append(self._fields)
            self._fields = None
        elif tag == "textarea" and self._textarea is not None:
            self._fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "option" and self._option is not None:
            option, self._option = self._option, None
            value = option["value"] if option["value"] is not None else option["text"].strip()
            if self._select_first is None:
                self._select_first = value
            if option["selected"] and not self._select_chosen:
                self._fields.append((self._select, value))
                self._select_chosen = True
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self._fields.append((self._select, self._select_first))
            self._select = None


def browser_post_data(html: str, *, containing: str) -> dict:
    """The values the form holding the field ``containing`` sends as the page shows it."""
    parser = _FormParser()
    parser.feed(html)
    for fields in parser.forms:
        if any(name == containing for name, _value in fields):
            data: dict = {}
            for name, value in fields:
                data.setdefault(name, []).append(value)
            return {
                name: values[0] if len(values) == 1 else values for name, values in data.items()
            }
    raise AssertionError(f"no form with a field {containing!r} on the page")
