"""The printable shape of one version of a meeting's minutes (会议纪要).

The minutes workflow (models and services) builds a ``MinutesDocument`` from a stored version;
the PDF layer (``meetings.minutes.pdf``) renders it after GB/T 9704-2012, and the Word layer
(``meetings.minutes.word``) as an editable copy. Neither side needs the
other's internals: this module is the whole contract between them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

# The minutes are a Chinese document: their dates and times are Beijing time.
BEIJING = timezone.get_fixed_timezone(480)


@dataclass(frozen=True)
class AgendaSummary:
    """What was discussed under one agenda item."""

    title: str
    summary: str


@dataclass(frozen=True)
class DecisionLine:
    """One decision (议定事项), numbered as in the minutes."""

    number: int
    text: str
    responsible_units: list[str]
    deadline: date | None
    status_label: str = ""


@dataclass(frozen=True)
class AgreementLine:
    """An agreement signed at the meeting."""

    title: str
    parties: list[str]
    amount_label: str = ""  # already formatted, e.g. "78.75 亿元"


@dataclass(frozen=True)
class MinutesDocument:
    issuing_body: str  # the red header, e.g. "湖南省工商业联合会 吐鲁番市人民政府"
    document_number: str  # e.g. "〔2025〕1号"
    title: str  # e.g. "第一次联席会议纪要"
    meeting_title: str
    start: datetime  # aware; shown in Beijing time
    end: datetime
    place: str
    chairs: list[str]
    recorder: str
    present: list[str]  # 出席: "name（organisation、title）" strings as they should print
    excused: list[str]  # 请假
    observers: list[str]  # 列席
    opening: str = ""  # free text before the agenda summaries
    agenda: list[AgendaSummary] = field(default_factory=list)
    decisions: list[DecisionLine] = field(default_factory=list)
    agreements: list[AgreementLine] = field(default_factory=list)
    version: int = 1
    is_draft: bool = True
    published_on: date | None = None
    author: str = ""  # PDF metadata
    language: str = "zh-CN"


def chinese_date(value: date | datetime | None) -> str:
    """2025年3月5日: Arabic numerals without zero padding, as GB/T 9704 asks."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value, BEIJING)
    return f"{value.year}年{value.month}月{value.day}日"


def meeting_time(start: datetime, end: datetime) -> str:
    """2025年3月5日 9:30—11:30, or both dates when the meeting spans days (Beijing time)."""
    start, end = timezone.localtime(start, BEIJING), timezone.localtime(end, BEIJING)
    if start.date() == end.date():
        return f"{chinese_date(start)} {start:%-H:%M}—{end:%-H:%M}"
    return f"{chinese_date(start)} {start:%-H:%M}—{chinese_date(end)} {end:%-H:%M}"
