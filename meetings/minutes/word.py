"""The minutes as an editable Word copy (.docx), for officials who correct them in WPS or Word.

``render_minutes_docx`` takes the same ``MinutesDocument`` as the PDF layer and returns the
bytes of a .docx with the same structure: the red header (mark and document number above a red
rule), the title, the facts, the body with the same heading levels (Word's Heading 1 for 一、,
Heading 2 for （一）), the decisions table, the agreements, the attendance lists, the closing
date, and page numbers "— n —" in the footer on the outer side (odd pages right, even left).
The page is A4 with the margins of GB/T 9704-2012 (top 37, bottom 35, left 28, right 26 mm),
16 pt body on a fixed 28.95 pt line pitch.

Fonts are named as the standard's customary faces and not embedded: 仿宋_GB2312 for the body,
黑体 and 楷体_GB2312 for the headings, 方正小标宋简体 for the mark and the title, Times New
Roman for Latin letters and digits. Each is declared in the font table with the name of the
face that ships with Windows and WPS as its alternative (仿宋_GB2312 → FangSong, 楷体_GB2312 →
KaiTi, 方正小标宋简体 → SimSun), so a machine without the GB2312 faces shows FangSong/KaiTi
rather than a default face. No font is embedded: the GB2312 faces' licences do not allow it,
and an editable copy needs none.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from liaison.numerals import chinese_number
from meetings.minutes.document import MinutesDocument, chinese_date, meeting_time

FANG = "仿宋_GB2312"
HEI = "黑体"
KAI = "楷体_GB2312"
SONG = "方正小标宋简体"
LATIN = "Times New Roman"
# The faces Word and WPS use when the named one is missing (w:altName in the font table).
ALTERNATIVES = {FANG: "FangSong", KAI: "KaiTi", SONG: "SimSun", HEI: "SimHei"}
RED = RGBColor(0xFF, 0x00, 0x00)
LINE = Pt(28.95)
BODY = Pt(16)
MIME_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _fonts(target, east_asian: str, latin: str = LATIN) -> None:
    """Name the faces of a run or a style: Latin letters and digits, and Chinese."""
    target.font.name = latin
    properties = target.element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _style(document, name: str, *, face: str, size: Pt, base: str | None = None):
    styles = document.styles
    style = styles[name] if name in styles else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base:
        style.base_style = styles[base]
    _fonts(style, face)
    style.font.size = size
    style.font.bold = False
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    layout = style.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = LINE
    layout.space_before = Pt(0)
    layout.space_after = Pt(0)
    return style


def _first_line_indent(paragraph, characters: int = 2) -> None:
    """An indent of whole characters (w:firstLineChars), which Word and WPS keep when the
    font size changes; the length is the fallback for readers that ignore it."""
    paragraph.paragraph_format.first_line_indent = BODY * characters
    indent = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    indent.set(qn("w:firstLineChars"), str(characters * 100))


def _setup(document: Document, doc: MinutesDocument) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    # The page number's top 7 mm below the text block: 35 − 7 mm, less its 14 pt line.
    section.footer_distance = Mm(35 - 7) - Pt(14)
    normal = _style(document, "Normal", face=FANG, size=BODY)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "zh-CN")
    language.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(language)
    _style(document, "Title", face=SONG, size=Pt(22), base="Normal")
    title = document.styles["Title"]
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for border in title.element.xpath("./w:pPr/w:pBdr"):  # the template underlines titles
        border.getparent().remove(border)
    document.styles["Title"].paragraph_format.line_spacing = Pt(22 * 1.45)
    for level, face in ((1, HEI), (2, KAI)):
        style = _style(document, f"Heading {level}", face=face, size=BODY, base="Normal")
        style.paragraph_format.first_line_indent = BODY * 2
        style.paragraph_format.keep_with_next = True
    _font_table_alternatives(document)
    properties = document.core_properties
    properties.title = doc.title
    properties.author = doc.author
    properties.language = doc.language
    properties.comments = f"第{doc.version}版" + ("（草稿）" if doc.is_draft else "")


def _font_table_alternatives(document: Document) -> None:
    """Declare each named Chinese face in the font table with the common face to use when it
    is missing (w:altName) and its character set (GB2312)."""
    part = next(
        relationship.target_part
        for relationship in document.part.rels.values()
        if relationship.reltype == RT.FONT_TABLE
    )
    table = parse_xml(part.blob)
    for name, alternative in ALTERNATIVES.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alternative), ("w:charset", "86")):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            font.append(child)
        table.append(font)
    # The font table is a plain part in python-docx (no API of its own): replace its bytes.
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_number(paragraph) -> None:
    """ "— PAGE —" as a field, so Word and WPS number every page."""
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
        if kind == "separate":
            number = OxmlElement("w:t")
            number.text = "1"
            run._r.append(number)
    paragraph.add_run(" —")
    for each in paragraph.runs:
        _fonts(each, SONG)
        each.font.size = Pt(14)


def _footers(document: Document) -> None:
    """Odd pages: the number on the right, one character in; even pages: on the left."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    for footer, alignment, side in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left"),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = alignment
        paragraph.paragraph_format.line_spacing = Pt(14)
        setattr(paragraph.paragraph_format, f"{side}_indent", Pt(14))
        _page_number(paragraph)


def _paragraph(document, text: str = "", *, indent: bool = True, style: str | None = None):
    paragraph = document.add_paragraph(style=style)
    if text:
        paragraph.add_run(text)
    if indent:
        _first_line_indent(paragraph)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return paragraph


def _labelled(document, label: str, text: str, *, hanging: bool):
    """ "出席：names" with the label in Hei; attendance lines wrap aligned after the colon."""
    paragraph = document.add_paragraph()
    label_run = paragraph.add_run(f"{label}：")
    _fonts(label_run, HEI)
    paragraph.add_run(text)
    layout = paragraph.paragraph_format
    if hanging:
        layout.left_indent = BODY * 5
        layout.first_line_indent = -BODY * 3
    else:
        _first_line_indent(paragraph)
    return paragraph


def _red_rule(paragraph) -> None:
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (
        ("w:val", "single"),
        ("w:sz", "8"),
        ("w:space", "1"),
        ("w:color", "FF0000"),
    ):
        bottom.set(qn(name), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _masthead(document, doc: MinutesDocument) -> None:
    bodies = doc.issuing_body.split()
    spacer = document.add_paragraph()
    spacer.paragraph_format.line_spacing = Mm(35)  # the mark 35 mm below the block's top
    if len(bodies) > 1:
        table = document.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        left, right = table.rows[0].cells
        # Nine 26 pt characters need about 83 mm: the bodies take the block but the mark's 36 mm,
        # so no reader splits 联合会 over two lines (an even split gave each column 78 mm).
        for column, cell, width in zip(
            table.columns, (left, right), (Mm(120), Mm(36)), strict=True
        ):
            column.width = width
            cell.width = width
        left.paragraphs[0].text = ""
        for index, body in enumerate(bodies):
            paragraph = left.paragraphs[0] if index == 0 else left.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.DISTRIBUTE
            paragraph.paragraph_format.line_spacing = Pt(26 * 1.2)
            _mark_run(paragraph.add_run(body), 26)
        paragraph = right.paragraphs[0]
        paragraph.paragraph_format.line_spacing = Pt(42 * 1.2)
        _mark_run(paragraph.add_run("纪要"), 42)
    else:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.line_spacing = Pt(34 * 1.2)
        _mark_run(paragraph.add_run(f"{doc.issuing_body}纪要"), 34)
    document.add_paragraph()
    number = document.add_paragraph(doc.document_number)
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _red_rule(number)
    document.add_paragraph()


def _mark_run(run, size: float) -> None:
    """A run of the red mark: 小标宋, bold, red, on a line of 1.2 times its size."""
    _fonts(run, SONG)
    run.font.size = Pt(size)
    run.font.bold = True
    run.font.color.rgb = RED


def _decisions(document, doc: MinutesDocument) -> None:
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # 156 mm in all: "2026年12月31日" in 14 pt needs 35 mm, with the space Word and WPS put
    # between digits and hanzi and the cell margins 42 mm; "序号" 14 mm.
    widths = (Mm(14), Mm(64), Mm(36), Mm(42))
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    header = table.rows[0]
    header_properties = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the heading row repeats on every page
    header_properties.append(repeat)
    for cell, text, width in zip(
        header.cells, ("序号", "议定事项", "责任单位", "完成时限"), widths, strict=True
    ):
        cell.width = width
        run = cell.paragraphs[0].add_run(text)
        _fonts(run, HEI)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in doc.decisions:
        cells = table.add_row().cells
        values = (
            str(line.number),
            line.text,
            "、".join(line.responsible_units),
            chinese_date(line.deadline) or "—",
        )
        for index, (cell, text, width) in enumerate(zip(cells, values, widths, strict=True)):
            cell.width = width
            cell.paragraphs[0].add_run(text)
            if index in (0, 3):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            if index == 3:  # a date never breaks
                cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.line_spacing = Pt(21)
                for run in paragraph.runs:
                    run.font.size = Pt(14)


def render_minutes_docx(doc: MinutesDocument) -> bytes:
    """The minutes as the bytes of a .docx file (see the module's docstring)."""
    document = Document()
    _setup(document, doc)
    _footers(document)
    if doc.is_draft:
        _draft_headers(document, doc)
    _masthead(document, doc)
    document.add_paragraph(doc.title, style="Title")
    document.add_paragraph()
    _facts(document, doc)
    for text in _lines(doc.opening):
        _paragraph(document, text)
    _sections(document, doc)
    _attendance_and_date(document, doc)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _draft_headers(document, doc: MinutesDocument) -> None:
    """ "草稿 第n版" in red at the top of every page (the copy has no watermark)."""
    section = document.sections[0]
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(f"草稿 第{doc.version}版")
        _fonts(run, HEI)
        run.font.color.rgb = RED


def _facts(document, doc: MinutesDocument) -> None:
    facts = (
        ("时间", meeting_time(doc.start, doc.end)),
        ("地点", doc.place),
        ("主持", "、".join(doc.chairs)),
        ("记录", doc.recorder),
    )
    for label, value in facts:
        if value:
            _labelled(document, label, value, hanging=False)


def _sections(document, doc: MinutesDocument) -> None:
    """一、 the agenda summaries, 二、 the decisions, 三、 the agreements (numbered as present)."""
    sections = [name for name in ("agenda", "decisions", "agreements") if getattr(doc, name)]
    numbers = {name: chinese_number(index) for index, name in enumerate(sections, start=1)}
    if doc.agenda:
        document.add_paragraph(f"{numbers['agenda']}、会议议题及讨论情况", style="Heading 1")
        for index, item in enumerate(doc.agenda, start=1):
            document.add_paragraph(f"（{chinese_number(index)}）{item.title}", style="Heading 2")
            for text in _lines(item.summary):
                _paragraph(document, text)
    if doc.decisions:
        document.add_paragraph(f"{numbers['decisions']}、议定事项", style="Heading 1")
        _decisions(document, doc)
    if doc.agreements:
        document.add_paragraph(f"{numbers['agreements']}、签约项目", style="Heading 1")
        for index, item in enumerate(doc.agreements, start=1):
            amount = f"，金额{item.amount_label}" if item.amount_label else ""
            parties = "、".join(item.parties)
            _paragraph(document, f"{index}.《{item.title}》，签约方：{parties}{amount}。")


def _attendance_and_date(document, doc: MinutesDocument) -> None:
    lists = (("出席", doc.present), ("请假", doc.excused), ("列席", doc.observers))
    if any(names for _label, names in lists):
        document.add_paragraph()
        for label, names in lists:
            if names:
                paragraph = _labelled(document, label, "，".join(names), hanging=True)
                # The closing date never stands alone on the last page.
                paragraph.paragraph_format.keep_with_next = bool(doc.published_on)
    if doc.published_on:
        document.add_paragraph().paragraph_format.keep_with_next = True
        closing = document.add_paragraph(chinese_date(doc.published_on))
        closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        closing.paragraph_format.right_indent = BODY * 4


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
