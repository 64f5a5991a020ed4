"""A minutes version as plain text, one statement a line, and the differences between two
versions (the diff page, comments that quote a passage, the audit of a text change)."""

from __future__ import annotations

import difflib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from meetings.models import MinutesVersion


def render_text(version: MinutesVersion) -> str:
    """The version as plain text, one statement a line (what the diff compares)."""
    content = version.content or {}
    lines = [content.get("opening", "")]
    for label, name in (("出席", "present"), ("请假", "excused"), ("列席", "observers")):
        lines.append(f"{label}：" + "；".join(content.get(name, [])))
    for item in content.get("agenda", []):
        lines.append(f"【{item.get('title', '')}】")
        lines.extend((item.get("summary") or "").splitlines())
    for d in content.get("decisions", []):
        lines.append(
            f"{d['number']}. {d['text']}（责任单位：{'、'.join(d.get('units', []))}；"
            f"完成时限：{d.get('deadline') or '—'}）"
        )
    return "\n".join(line for line in lines if line is not None)


def diff_texts(old: str, new: str) -> list[dict]:
    """The changed lines between two texts: [{kind: removed|added, line}], in order."""
    changes = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        if line.startswith("- "):
            changes.append({"kind": "removed", "line": line[2:]})
        elif line.startswith("+ "):
            changes.append({"kind": "added", "line": line[2:]})
    return changes


def diff_versions(old: MinutesVersion, new: MinutesVersion) -> list[dict]:
    if old.minutes_id != new.minutes_id:
        raise ValidationError(_("Only versions of the same minutes are compared."))
    return diff_texts(render_text(old), render_text(new))
