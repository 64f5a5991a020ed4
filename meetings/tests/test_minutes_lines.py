"""Breaking Chinese paragraphs into lines that fill the text block (meetings/minutes/lines.py):
measured with the fonts' own advances, with 避头尾, numbers kept whole, every line but the
last as wide as the block."""

import pytest

from meetings.minutes.lines import NO_LINE_END, NO_LINE_START, advance, break_paragraph

WIDTH = 156 / 25.4 * 72  # the text block, pt
SIZE, SPACING = 16.0, -0.21
INDENT = 2 * (SIZE + SPACING)


def lines_of(text: str, **options):
    values = {"width": WIDTH, "indent": INDENT, "size": SIZE, "spacing": SPACING} | options
    return break_paragraph(text, **values)


def filled_width(line) -> float:
    spacing = SPACING if line.spacing is None else line.spacing
    return sum(advance(char) * SIZE + spacing for char in line.text)


def test_advances_come_from_the_face_that_draws_each_character():
    assert advance("会") == advance("，") == advance("“") == 1.0  # FandolFang, full width
    assert 0.4 < advance("2") < 0.6  # Liberation Serif digit
    assert advance("堃") == 1.0  # not in FandolFang: Noto Serif CJK SC


def test_full_lines_fill_the_block_and_the_first_holds_26_characters():
    lines = lines_of("会" * 200)
    assert [len(line.text) for line in lines[:3]] == [26, 28, 28]
    assert sum(len(line.text) for line in lines) == 200
    for number, line in enumerate(lines[:-1]):
        target = WIDTH - (INDENT if number == 0 else 0)
        assert filled_width(line) == pytest.approx(target, abs=0.6)
    assert lines[-1].spacing is None  # the last line keeps the natural spacing


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation():
    # A comma where the 29th character of the second line would fall, an opening quote
    # where its 28th falls.
    text = "会" * 26 + "会" * 28 + "，" + "会" * 26 + "“湖南”" + "会" * 40
    lines = lines_of(text)
    assert all(line.text[0] not in NO_LINE_START for line in lines)
    assert all(line.text[-1] not in NO_LINE_END for line in lines)
    assert "".join(line.text for line in lines) == text
    # The line that gave up a character to the comma is stretched to fill the block.
    assert len(lines[1].text) == 27 and lines[1].spacing > SPACING
    assert filled_width(lines[1]) == pytest.approx(WIDTH, abs=0.6)


def test_numbers_stay_whole_and_long_words_are_split_rather_than_overflow():
    text = "会" * 24 + "2025年签约246.18亿元" + "会" * 30
    lines = lines_of(text)
    assert any("246.18" in line.text for line in lines)
    assert "".join(line.text for line in lines) == text
    address = "https://example.com/" + "a" * 120
    assert all(filled_width(line) <= WIDTH + 0.6 for line in lines_of(address))
