"""The message catalogues: the Chinese one is complete, clean and actually compiled and used.

The PO files are read with a small parser (the standard library has none, and polib is not a
dependency). It understands what ``makemessages`` writes: comments and flags, ``msgctxt``,
``msgid``, ``msgid_plural``, ``msgstr`` / ``msgstr[n]`` with continuation lines, and obsolete
``#~`` entries, which it skips.
"""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"
ZH_PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")\s*$')
# A printf-style conversion as Python's % operator reads it: %(name)s, %d, %5.2f ... but not %%.
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        ctxt = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"line {self.line}: {ctxt}{self.msgid!r}"


def parse_po(path: Path) -> list[Entry]:
    """Every entry of ``path`` in file order, the header (``msgid ""``) first."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None

    def value(e: Entry, key: str, index: int | None) -> str:
        if key == "msgstr":
            return e.msgstr.get(index or 0, "")
        return getattr(e, key) or ""

    def store(e: Entry, key: str, index: int | None, text: str) -> None:
        if key == "msgstr":
            e.msgstr[index or 0] = text
        else:
            setattr(e, key, text)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry, target = None, None
            continue
        if line.startswith("#~"):  # obsolete: msgfmt ignores it, and so do we
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith("#"):
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, literal = match.groups()
            if keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if "[" in keyword else None
                target = ("msgstr", index)
            else:
                target = (keyword, None)
            store(entry, *target, ast.literal_eval(literal))
        elif line.startswith('"') and target is not None:
            store(entry, *target, value(entry, *target) + ast.literal_eval(line))
        else:
            raise AssertionError(f"{path.name} line {number}: cannot read {raw!r}")
    return entries


def header(entries: list[Entry]) -> dict[str, str]:
    first = entries[0]
    assert first.msgid == "" and first.msgctxt is None, "the catalogue has no header entry"
    pairs = (line.partition(":") for line in first.msgstr[0].splitlines() if ":" in line)
    return {key.strip(): val.strip() for key, _, val in pairs}


def placeholders(text: str) -> set[str]:
    return {p for p in _PLACEHOLDER.findall(text) if p != "%%"}


ZH_ENTRIES = parse_po(ZH_PO)
ZH_MESSAGES = [e for e in ZH_ENTRIES if e.msgid]


def test_the_parser_reads_the_catalogue():
    assert len(ZH_MESSAGES) > 100
    assert any(e.msgid_plural for e in ZH_MESSAGES)
    assert any(e.msgctxt for e in ZH_MESSAGES)


def test_zh_header():
    entries_header = header(ZH_ENTRIES)
    assert "fuzzy" not in ZH_ENTRIES[0].flags
    assert entries_header["Language"] == "zh_Hans"
    assert entries_header["Content-Type"] == "text/plain; charset=UTF-8"
    assert entries_header["Plural-Forms"] == "nplurals=1; plural=0;"


def test_en_header_is_not_fuzzy():
    entries = parse_po(EN_PO)
    assert "fuzzy" not in entries[0].flags
    assert header(entries)["Language"] == "en"
    assert header(entries)["Content-Type"] == "text/plain; charset=UTF-8"


def test_no_entry_is_fuzzy():
    fuzzy = [e.label for e in ZH_ENTRIES if "fuzzy" in e.flags]
    assert fuzzy == []


def test_every_entry_is_translated():
    empty = [e.label for e in ZH_MESSAGES if not e.msgstr.get(0)]
    assert empty == []


def test_plural_entries_have_exactly_one_form():
    """Chinese has one plural form; a stray msgstr[1] would be flagged by msgfmt --check."""
    wrong = [e.label for e in ZH_MESSAGES if e.msgid_plural is not None and set(e.msgstr) != {0}]
    assert wrong == []


def test_placeholders_are_kept():
    wrong = []
    for e in ZH_MESSAGES:
        if "python-format" not in e.flags:
            continue
        # With one form, msgstr[0] serves every n: it must carry the plural's placeholders.
        source = e.msgid_plural if e.msgid_plural is not None else e.msgid
        if placeholders(source) != placeholders(e.msgstr.get(0, "")):
            wrong.append(e.label)
    assert wrong == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Page %(number)s of %(total)s", {"%(number)s", "%(total)s"}), ("100%% %d", {"%d"})],
)
def test_placeholder_pattern(text, expected):
    assert placeholders(text) == expected


def test_compiled_catalogue_is_used():
    with translation.override("zh-hans"):
        assert translation.gettext("Sign in") == "登录"
        assert translation.pgettext("membership", "left") == "已退会"
        message = translation.ngettext("%(counter)s member", "%(counter)s members", 3)
        assert message % {"counter": 3} == "3 家会员"
    with translation.override("en"):
        assert translation.gettext("Sign in") == "Sign in"
