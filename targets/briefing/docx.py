"""The briefing as a Word document (python-docx), laid out after GB/T 9704-2012.

Word and WPS pick the font of Chinese text from `w:rFonts/@w:eastAsia`, not from
the font name python-docx sets (`w:ascii`/`w:hAnsi`), and a theme font attribute
(`w:eastAsiaTheme`, which the default template puts everywhere) overrides both: so
every style here names its East Asian face explicitly and drops the theme ones.
仿宋 for the body, 黑体 for 一、 headings, 楷体 for （一） headings and the as-of
line, 宋体 bold for the title (the GB/T 小标宋 is not on every PC; 宋体 is): the
faces Windows and WPS ship. Latin letters and digits are in Times New Roman.

A4, text block 156 × 225 mm (top 37 mm, inner 28 mm), 16-point body on an exact
28.95-point line (22 lines a page), first lines indented two characters, "— 1 —"
page numbers at the outer edge (right on odd pages, left on even). Tables keep
each row on one page and repeat their header row on every page. The English
version keeps the page and the structure with Latin faces and smaller type.
"""

import io

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .. import palette
from ..models import Status

LATIN = "Times New Roman"
LATIN_SANS = "Arial"
THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
FIGURE_WIDTH = Mm(150)

# style: (Latin face, East Asian face, size in points, bold), per language.
FACES = {
    "zh": {
        "body": (LATIN, "仿宋", 16, False),
        "heading1": (LATIN, "黑体", 16, False),
        "heading2": (LATIN, "楷体", 16, False),
        "title": (LATIN, "宋体", 22, True),
        "as_of": (LATIN, "楷体", 16, False),
        "caption": (LATIN, "黑体", 12, False),
        "table": (LATIN, "仿宋", 10.5, False),
        "table_header": (LATIN, "黑体", 10.5, False),
        "page_number": (LATIN, "宋体", 14, False),
    },
    "en": {
        "body": (LATIN, "仿宋", 12, False),
        "heading1": (LATIN_SANS, "黑体", 14, True),
        "heading2": (LATIN_SANS, "黑体", 12, True),
        "title": (LATIN_SANS, "黑体", 18, True),
        "as_of": (LATIN, "仿宋", 12, False),
        "caption": (LATIN_SANS, "黑体", 10.5, False),
        "table": (LATIN, "仿宋", 10, False),
        "table_header": (LATIN_SANS, "黑体", 9, True),
        "page_number": (LATIN, "宋体", 12, False),
    },
}
LINE = {"zh": Pt(28.95), "en": Pt(18)}  # exact line pitch of the body


def docx_bytes(briefing):
    language = "zh" if briefing.is_chinese else "en"
    writer = _Writer(language)
    writer.write(briefing)
    buffer = io.BytesIO()
    writer.document.save(buffer)
    return buffer.getvalue()


class _Writer:
    def __init__(self, language):
        self.language = language
        self.faces = FACES[language]
        self.document = Document()
        self._page()
        self._styles()
        self._page_numbers()

    # -- Set-up ------------------------------------------------------------------

    def _page(self):
        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.header_distance, section.footer_distance = Mm(15), Mm(23)

    def _styles(self):
        styles = self.document.styles
        defaults = styles.element.find(qn("w:docDefaults"))
        default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_faces(default_rpr, *self.faces["table"][:2])
        # Latin text is English (a Chinese language on digits lets LibreOffice break
        # "77.5%" after the point), Chinese text is Chinese (Word's fonts and proofing).
        language = default_rpr.find(qn("w:lang"))
        language.set(qn("w:val"), "en-US" if self.language == "zh" else "en-GB")
        language.set(qn("w:eastAsia"), "zh-CN")

        # Normal: table cells and anything unstyled — small, single-spaced.
        normal = styles["Normal"]
        self._style(normal, "table")
        normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.line_spacing = 1.0

        body = styles.add_style("Briefing Body", WD_STYLE_TYPE.PARAGRAPH)
        body.base_style = normal
        self._style(body, "body")
        self._exact(body, indent=self.language == "zh")  # English paragraphs are not indented
        body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        body.paragraph_format.widow_control = True
        if self.language == "en":
            body.paragraph_format.space_after = Pt(6)

        for name, face in (("Heading 1", "heading1"), ("Heading 2", "heading2")):
            heading = styles[name]
            self._style(heading, face)
            heading.font.color.rgb = RGBColor(0, 0, 0)
            heading.paragraph_format.space_before = Pt(6 if self.language == "en" else 0)
            heading.paragraph_format.space_after = Pt(0)
            self._exact(heading, indent=self.language == "zh")
            heading.paragraph_format.keep_with_next = True

        title = styles.add_style("Briefing Title", WD_STYLE_TYPE.PARAGRAPH)
        title.base_style = normal
        self._style(title, "title")
        title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.space_after = Pt(6)
        title.paragraph_format.line_spacing = 1.3

        as_of = styles.add_style("Briefing As Of", WD_STYLE_TYPE.PARAGRAPH)
        as_of.base_style = normal
        self._style(as_of, "as_of")
        as_of.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        as_of.paragraph_format.space_after = Pt(6)

        caption = styles.add_style("Briefing Caption", WD_STYLE_TYPE.PARAGRAPH)
        caption.base_style = normal
        self._style(caption, "caption")
        caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.paragraph_format.space_before = caption.paragraph_format.space_after = Pt(3)

        self._table_header = self.faces["table_header"]

    def _style(self, style, face):
        latin, east_asian, size, bold = self.faces[face]
        style.font.size = Pt(size)
        style.font.bold = bold
        _set_faces(style.element.get_or_add_rPr(), latin, east_asian)

    def _exact(self, style, *, indent):
        fmt = style.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE[self.language]
        if indent:  # two characters of the body's size
            fmt.first_line_indent = Pt(2 * self.faces["body"][2])

    def _page_numbers(self):
        """ "— n —" in 宋体 at the outer edge: right on odd pages, left on even ones."""
        self.document.settings.odd_and_even_pages_header_footer = True
        section = self.document.sections[0]
        latin, east_asian, size, _bold = self.faces["page_number"]
        for footer, alignment in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            paragraph = footer.paragraphs[0]
            paragraph.alignment = alignment
            fmt = paragraph.paragraph_format
            if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
                fmt.right_indent = Pt(size)
            else:
                fmt.left_indent = Pt(size)
            for part in ("— ", None, " —"):
                run = paragraph.add_run(part or "")
                run.font.size = Pt(size)
                _set_faces(run._r.get_or_add_rPr(), latin, east_asian)
                if part is None:
                    _page_field(run)

    # -- Content ---------------------------------------------------------------

    def write(self, briefing):
        document = self.document
        properties = document.core_properties
        properties.title = f"{briefing.title} {briefing.as_of}"
        properties.author = "kpitracker"
        properties.language = "zh-CN" if briefing.is_chinese else "en"
        document.add_paragraph(briefing.title, style="Briefing Title")
        document.add_paragraph(briefing.as_of, style="Briefing As Of")
        meta = document.add_paragraph(style="Briefing Caption")
        meta.add_run(briefing.made_on).add_break()
        meta.add_run(briefing.scope)
        meta.paragraph_format.space_after = Pt(12)
        for block in briefing.blocks:
            getattr(self, f"_{block.kind}")(block)

    def _heading(self, block):
        self.document.add_paragraph(block.text, style=f"Heading {block.level}")

    def _paragraph(self, block):
        self.document.add_paragraph(block.text, style="Briefing Body")

    def _item(self, block):
        paragraph = self.document.add_paragraph(style="Briefing Body")
        paragraph.add_run(block.lead).bold = True
        paragraph.add_run(block.text)

    def _figure(self, block):
        picture = self.document.add_paragraph(style="Briefing Caption")
        picture.paragraph_format.keep_with_next = True
        picture.add_run().add_picture(io.BytesIO(block.png), width=FIGURE_WIDTH)
        self.document.add_paragraph(block.caption, style="Briefing Caption")

    def _table(self, block):
        caption = self.document.add_paragraph(block.caption, style="Briefing Caption")
        caption.paragraph_format.keep_with_next = True
        caption.paragraph_format.page_break_before = block.page_break_before
        table = self.document.add_table(rows=1, cols=len(block.headers))
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _cell_margins(table, Mm(1))  # Word's 1.9 mm would wrap "未报送" in its column
        total = Mm(156)
        widths = [int(total * w / sum(block.widths)) for w in block.widths]
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width  # the grid; rows added later copy these widths
        header = table.rows[0]
        _row_properties(header._tr, header=True)
        latin, east_asian, size, bold = self._table_header
        for cell, text, width in zip(header.cells, block.headers, widths, strict=True):
            cell.width = width
            _shade(cell, "DDEBF7")
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(text)
            run.bold = bold
            run.font.size = Pt(size)
            _set_faces(run._r.get_or_add_rPr(), latin, east_asian)
        colours = {Status(s).value: c for s, c in palette.STATUS_COLOURS.items()}
        for row in block.rows:
            added = table.add_row()
            _row_properties(added._tr, header=False)
            for index, (cell, text) in enumerate(zip(added.cells, row.cells, strict=True)):
                paragraph = cell.paragraphs[0]
                run = paragraph.add_run(text)
                if index in block.numeric:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if row.total:
                    run.bold = True
                    _shade(cell, "F2F2F2")
                if index == block.status_column and row.status in colours:
                    fill, ink = colours[row.status][0], colours[row.status][1]
                    _shade(cell, fill)
                    run.font.color.rgb = RGBColor.from_string(ink)
        self.document.add_paragraph(style="Normal")  # Word needs a paragraph between tables


def _set_faces(rpr, latin, east_asian):
    """Name the Latin and East Asian faces on `w:rFonts`, dropping any theme font."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in THEME_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), latin)
    # Quotes “” and dashes are in both ranges: take them from the Chinese face.
    fonts.set(qn("w:hint"), "eastAsia")


def _page_field(run):
    """A PAGE field in `run`: begin, instruction, separate, a placeholder, end."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"
    run._r.append(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _row_properties(tr, *, header):
    """Keep the row on one page; repeat it on every page if it is the header."""
    properties = tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))


def _cell_margins(table, margin):
    """Left and right cell margins of the whole table (`w:tblCellMar`)."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(int(margin.twips)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    properties = table._tbl.tblPr
    look = properties.find(qn("w:tblLook"))  # the schema puts the margins before it
    if look is None:
        properties.append(margins)
    else:
        look.addprevious(margins)


def _shade(cell, fill):
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)
