"""The minutes of a meeting (会议纪要): versions, approval, decisions and their follow-up, and
the minutes document (PDF, Word).

- ``services``: the workflow of a version (draft, circulate, comment, approve, publish, correct)
- ``decisions``: the decisions it records, their status, follow-ups and deadline reminders
- ``text``: a version as plain text and the differences between versions
- ``printing``: the document of a version and its stored files; ``document`` is that document's
  shape, ``pdf`` lays it out after GB/T 9704-2012
- ``forms``, ``views``: the pages; ``mail``: the mails (sent through ``meetings.delivery``)

The workflow's public functions are importable from this package, so callers can write
``from meetings import minutes`` and ``minutes.publish_minutes(...)``.
"""

from meetings.minutes.common import check_can_draft_minutes
from meetings.minutes.decisions import (
    DECISION_TRANSITIONS,
    FOLLOW_UP_TITLE,
    add_decision,
    add_follow_up,
    add_follow_up_item,
    change_decision,
    change_decision_status,
    check_can_follow_up,
    check_can_manage_decisions,
    follow_up_lines,
    remind_decision_deadlines,
    remove_decision,
)
from meetings.minutes.printing import (
    document_for,
    document_json,
    docx_filename,
    minutes_docx,
    minutes_pdf,
    pdf_filename,
)
from meetings.minutes.services import (
    approve_minutes,
    attendance_lists,
    circulate_minutes,
    comment_on_minutes,
    correct_minutes,
    current_version,
    draft_minutes,
    may_open_minutes,
    next_serial,
    publish_minutes,
    readable_version,
    save_minutes_facts,
    update_draft,
)
from meetings.minutes.text import diff_texts, diff_versions, render_text

__all__ = [
    "DECISION_TRANSITIONS",
    "FOLLOW_UP_TITLE",
    "add_decision",
    "add_follow_up",
    "add_follow_up_item",
    "approve_minutes",
    "attendance_lists",
    "change_decision",
    "change_decision_status",
    "check_can_draft_minutes",
    "check_can_follow_up",
    "check_can_manage_decisions",
    "circulate_minutes",
    "comment_on_minutes",
    "correct_minutes",
    "current_version",
    "diff_texts",
    "diff_versions",
    "document_for",
    "document_json",
    "docx_filename",
    "draft_minutes",
    "follow_up_lines",
    "may_open_minutes",
    "minutes_docx",
    "minutes_pdf",
    "next_serial",
    "pdf_filename",
    "publish_minutes",
    "readable_version",
    "remind_decision_deadlines",
    "remove_decision",
    "render_text",
    "save_minutes_facts",
    "update_draft",
]
