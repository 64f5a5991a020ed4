"""Chinese body text broken into lines that fill the text block (撑满版心), for the minutes PDF.

WeasyPrint does not stretch CJK lines under ``text-align: justify`` (it stretches spaces
only), so a line that ends before a closing quotation mark or a word carried to the next line
stops one or two characters short. This module breaks a paragraph itself: it measures every
character with the advances of the font that draws it (FandolFang for hanzi and full-width
punctuation, Liberation Serif for ASCII as the stylesheet's unicode-range says, Noto Serif CJK
SC for what FandolFang lacks), fills each line greedily, keeps 避头尾 (no line starts with
closing punctuation, none ends with opening punctuation), and gives each full line the
letter-spacing that makes it exactly as wide as the block. A paragraph's last line keeps the
natural spacing.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

FANDOL_FANG = Path(
    "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf"
)
# Characters that never begin a line, and those that never end one (GB/T 15834, 避头尾).
NO_LINE_START = set("，。、；：？！）」』》〉】〕”’…—·%,.;:?!)]} ")  # and no leading space
NO_LINE_END = set("（「『《〈【〔“‘([{")
# ASCII runs that stay together on a line: numbers (with their decimal point, comma or
# percent sign) and words; the two-character dash and ellipsis.
UNBREAKABLE = re.compile(r"[0-9A-Za-z]+(?:[.,:/%-][0-9A-Za-z]+)*%?|——|……|.", re.S)
# A line whose filling spacing is this close to the natural one (pt a character, 0.2 mm
# over a line at most) keeps the natural spacing.
NATURAL = 0.02


@dataclass(frozen=True)
class Face:
    """The advances (in em) of one font file's characters."""

    advances: dict[int, float]

    def advance(self, char: str) -> float | None:
        return self.advances.get(ord(char))


def _load(path: str, index: int = 0) -> Face:
    font = TTFont(path, fontNumber=index, lazy=True)
    units = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    cmap = font.getBestCmap()
    return Face({code: metrics[name][0] / units for code, name in cmap.items()})


def fontconfig_file(family: str) -> tuple[str, int]:
    """The file and face index fontconfig gives for a family (what WeasyPrint uses)."""
    out = subprocess.run(
        ["fc-match", "-f", "%{file}\t%{index}", family],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path, index = out.split("\t")
    return path, int(index or 0)


@cache
def faces() -> tuple[Face, Face, Face]:
    """FandolFang, Liberation Serif and Noto Serif CJK SC, loaded once per process."""
    return (
        _load(str(FANDOL_FANG)),
        _load(*fontconfig_file("Liberation Serif")),
        _load(*fontconfig_file("Noto Serif CJK SC")),
    )


@cache
def advance(char: str) -> float:
    """The advance of one character in em, from the face the stylesheet's stack picks."""
    fang, latin, noto = faces()
    if "!" <= char <= "~":
        return latin.advance(char) or 0.5
    return fang.advance(char) or noto.advance(char) or 1.0


@dataclass(frozen=True)
class Line:
    """One line of a paragraph: its text and the letter-spacing (pt) that fills it, or None
    for the natural spacing (a paragraph's last line, and lines that fill with it)."""

    text: str
    spacing: float | None


def natural_width(text: str, *, size: float, spacing: float) -> float:
    """Width in pt of ``text`` set with ``spacing`` after every character, the last one
    included: how the browser measures a line when it breaks (28 characters of 16 pt with
    -0.21 pt fill 442.1 pt of the 442.2 pt block)."""
    return sum(advance(char) * size + spacing for char in text)


def break_paragraph(
    text: str, *, width: float, indent: float, size: float, spacing: float
) -> list[Line]:
    """The lines of one paragraph, every one but the last filling ``width`` pt.

    ``indent`` (pt) is taken off the first line; ``spacing`` is the stylesheet's natural
    letter-spacing, used to decide where lines break and on the last line.
    """
    lines: list[list[str]] = []
    current: list[str] = []
    used, available = 0.0, width - indent
    for token in _tokens(text, width=width, size=size, spacing=spacing):
        token_width = natural_width(token, size=size, spacing=spacing)
        if current and used + token_width > available + 0.01:
            carried = _keep_punctuation_rules(current, token)
            lines.append(current)
            current = carried
            used = natural_width("".join(carried), size=size, spacing=spacing)
            available = width
        current.append(token)
        used += token_width
    if current:
        lines.append(current)
    result = []
    for number, tokens_of_line in enumerate(lines):
        line = "".join(tokens_of_line)
        if number == len(lines) - 1 or len(line) < 2:
            result.append(Line(line, None))
            continue
        # The spacing follows every character, the last one included (as the browser sets
        # it), so the last character's advance ends ``fill`` short of the edge (±0.1 mm).
        target = width - (indent if number == 0 else 0)
        fill = (target - sum(advance(char) for char in line) * size) / len(line)
        # Most lines of plain hanzi already fill the block with the natural spacing (28 × 15.79
        # pt = 442.1 of 442.2 pt): they need no spacing of their own, and the fewer spans,
        # the faster long minutes are laid out.
        result.append(Line(line, None if abs(fill - spacing) < NATURAL else round(fill, 3)))
    return result


def _tokens(text: str, *, width: float, size: float, spacing: float) -> list[str]:
    """The units a line break may not split; one wider than a line (a long Latin word or
    address) is split into its characters rather than overflow the block."""
    tokens = []
    for token in UNBREAKABLE.findall(text):
        if len(token) > 1 and natural_width(token, size=size, spacing=spacing) > width:
            tokens.extend(token)
        else:
            tokens.append(token)
    return tokens


def _keep_punctuation_rules(current: list[str], next_token: str) -> list[str]:
    """Take tokens off the end of a full line so that the next line does not begin with
    closing punctuation and this one does not end with opening punctuation; returns the
    tokens carried to the next line (the line keeps at least one token)."""
    carried: list[str] = []
    while len(current) > 1 and (
        (carried[0] if carried else next_token)[0] in NO_LINE_START
        or current[-1][-1] in NO_LINE_END
    ):
        carried.insert(0, current.pop())
    return carried
