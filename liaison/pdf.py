"""HTML to PDF with WeasyPrint, shared by the minutes and (later) the reports.

``render_pdf`` is synchronous and pure: an HTML string in, PDF bytes out. It fetches nothing but
the project's static files (stylesheets, images) and the few system font files listed in
``SYSTEM_FONT_DIRS``, so user-supplied text can never make the renderer read other files or
reach the network. Large documents are rendered in the background (``liaison.tasks``); this
module does not care where it runs.

Speed depends on HarfBuzz subsetting (Debian ``libharfbuzz-subset0``): without it WeasyPrint
falls back to fontTools and a 13-page Chinese document takes seconds instead of a fraction of
one. ``check_pdf_environment`` reports that at start-up; ``pdf_system_check`` is the same as a
Django system check.

``sign_pdf`` signs a finished PDF (PAdES baseline B-B, with pyHanko) when a PKCS#12 certificate
is configured (``PDF_SIGNING_PKCS12``, ``PDF_SIGNING_PASSWORD``). The signature is added as an
incremental update, so the original bytes (and a PDF/A-3b file's conformance) are kept.
"""

from __future__ import annotations

import mimetypes
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import Protocol
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from weasyprint import HTML, Attachment
from weasyprint.text import ffi as weasyprint_ffi
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in PDF templates ("pdf/minutes.css") resolve against this virtual root; the
# fetcher maps it onto the static-file finders, not onto the file system.
STATIC_BASE_URL = "file:///static/"

# Font files that stylesheets may load with @font-face: local() names resolve to files under
# /usr/share/fonts, and url() names TeX Live's Fandol fonts (texlive-lang-chinese), which live
# outside the folders fontconfig indexes. Only files with a font suffix are served from these.
SYSTEM_FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"),
)
FANDOL_FANG = SYSTEM_FONT_DIRS[1] / "FandolFang-Regular.otf"
FONT_SUFFIXES = {".otf", ".ttf", ".ttc"}

PDF_A_3B = "pdf/a-3b"


class RefusedResource(ValueError):
    """A PDF template or user text referred to something outside the allowed files."""


class StaticOnlyURLFetcher(URLFetcher):
    """Serves the project's static files and the allow-listed font files; refuses the rest."""

    def fetch(self, url, headers=None):
        path = self.local_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )

    @staticmethod
    def local_path(url: str) -> Path:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedResource(f"Only static files may be used in a PDF, not {url!r}.")
        path = PurePosixPath(unquote(parts.path))
        if ".." in path.parts:
            raise RefusedResource(f"Refused path {url!r}.")
        static_root = PurePosixPath(urlsplit(STATIC_BASE_URL).path)
        if path.is_relative_to(static_root):
            found = finders.find(str(path.relative_to(static_root)))
            if found:
                return Path(found)
            raise RefusedResource(f"No static file {url!r}.")
        real = Path(path).resolve()
        if real.suffix.lower() in FONT_SUFFIXES and any(
            real.is_relative_to(folder) for folder in SYSTEM_FONT_DIRS
        ):
            return real
        raise RefusedResource(f"Only static files may be used in a PDF, not {url!r}.")


@dataclass(frozen=True)
class PdfAttachment:
    """A file embedded in the PDF, e.g. the structured minutes as JSON (PDF/A-3 "Data")."""

    name: str
    content: str | bytes
    description: str = ""
    relationship: str = "Data"


@dataclass(frozen=True)
class PdfMetadata:
    """Overrides what the HTML says (<title>, <meta name="author">, <html lang>)."""

    title: str = ""
    author: str = ""
    lang: str = ""


# One font configuration for the process: it keeps fontconfig's font list and the @font-face
# files already loaded, which saves work on every render. WeasyPrint objects are not
# thread-safe, so renders in one process take turns. Reentrant: a caller that shapes text for
# drawn pages (``rendering``) keeps its turn through the ``render_pdf`` that draws them.
_font_config: FontConfiguration | None = None
_render_lock = threading.RLock()


def font_configuration() -> FontConfiguration:
    global _font_config
    if _font_config is None:
        _font_config = FontConfiguration()
    return _font_config


@contextmanager
def rendering() -> Iterator[FontConfiguration]:
    """This thread's turn at WeasyPrint, with the font configuration that ``render_pdf`` uses:
    hold it from shaping the text of drawn pages (``liaison.glyphs``) until they are drawn."""
    with _render_lock:
        yield font_configuration()


class Drawing(Protocol):
    """Content painted by code onto a page of a document instead of laid out from HTML.

    Either the HTML holds an empty block with ``id`` = ``anchor`` and the drawing's height
    where the drawing goes, and the page is laid out as any other before ``paint`` draws onto
    it with (x, y) the block's top-left corner in CSS pixels (see ``liaison.glyphs``); or the
    drawing is a page of its own (``after`` names the anchor of the drawing whose page it
    follows, ``origin`` is its (x, y)), the size of that page, that WeasyPrint never lays out:
    the cheap way to add a hundred pages of a table. ``number`` is the page's number and
    ``pages`` the document's count, pages of their own included, for a drawing that heads and
    numbers its page itself. A document with pages of their own numbers its pages with
    ``decorate`` (``render_pdf``): CSS counters would not count those pages."""

    anchor: str
    after: str | None
    origin: tuple[float, float] | None

    def paint(self, stream, x: float, y: float, *, number: int, pages: int) -> None: ...


class _Page:
    """A laid-out page, or a page of its own, with drawings painted over it (quacks as
    ``weasyprint.Page``)."""

    def __init__(self, page, drawings: list[tuple[Drawing, float, float]], *, own=False):
        self._page = page
        self._drawings = drawings
        self._own = own
        self.decorate: Callable | None = None
        self.number = self.pages = 0
        if own:  # nothing from the HTML on it
            self.links, self.anchors, self.bookmarks, self.forms = [], {}, [], {None: []}

    def __getattr__(self, name):
        return getattr(self._page, name)

    def paint(self, stream, scale=1):
        if not self._own:
            self._page.paint(stream, scale)
        with stream.stacked():
            stream.transform(a=scale, d=scale)
            for drawing, x, y in self._drawings:
                drawing.paint(stream, x, y, number=self.number, pages=self.pages)
            if self.decorate is not None:
                self.decorate(stream, number=self.number, pages=self.pages)


def _with_drawings(pages: list, drawings: Sequence[Drawing], decorate) -> list:
    by_anchor = {d.anchor: d for d in drawings if getattr(d, "after", None) is None}
    following: dict[str, list[Drawing]] = {}
    for drawing in drawings:
        if getattr(drawing, "after", None) is not None:
            following.setdefault(drawing.after, []).append(drawing)
    result = []
    for page in pages:
        found = [
            (by_anchor.pop(name), at[0], at[1])
            for name, at in page.anchors.items()
            if name in by_anchor
        ]
        result.append(_Page(page, found) if found or decorate else page)
        for anchored, *_ in found:
            for drawing in following.pop(anchored.anchor, []):
                result.append(_Page(page, [(drawing, *drawing.origin)], own=True))
    missing = sorted(by_anchor) + sorted(following)
    if missing:
        raise ValueError(f"No block in the HTML for the drawings {missing}.")
    for number, page in enumerate(result, start=1):
        if isinstance(page, _Page):
            page.number, page.pages, page.decorate = number, len(result), decorate
    return result


def render_pdf(
    html: str,
    *,
    metadata: PdfMetadata | None = None,
    pdf_variant: str | None = None,
    attachments: Sequence[PdfAttachment] = (),
    on_laid_out: Callable[[int], None] | None = None,
    drawings: Sequence[Drawing] = (),
    decorate: Callable[..., None] | None = None,
) -> bytes:
    """Render an HTML document to PDF bytes (``pdf_variant`` e.g. ``PDF_A_3B``).

    ``on_laid_out(pages)`` is called once the pages are laid out, before the PDF is written
    (a long document's progress). ``drawings`` are painted onto the pages that hold their
    anchors, or make pages of their own (see ``Drawing``). ``decorate(stream, number=,
    pages=)`` is called on every page, in CSS pixels, after its content (page numbers that
    count pages of their own)."""
    fetcher = StaticOnlyURLFetcher()
    pdf_attachments = [
        Attachment(
            string=item.content,
            name=item.name,
            description=item.description or None,
            relationship=item.relationship,
            url_fetcher=fetcher,
        )
        for item in attachments
    ]
    with _render_lock:
        font_config = font_configuration()
        options = {"pdf_variant": pdf_variant, "attachments": pdf_attachments or None}
        document = HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=fetcher).render(
            font_config=font_config, **options
        )
        if drawings or decorate:
            document = document.copy(_with_drawings(document.pages, drawings, decorate))
        if on_laid_out is not None:
            on_laid_out(len(document.pages))
        if metadata:
            document.metadata.title = metadata.title or document.metadata.title
            if metadata.author:
                document.metadata.authors = [metadata.author]
            document.metadata.lang = metadata.lang or document.metadata.lang
        return document.write_pdf(**options)


def signing_configured() -> bool:
    """True when published PDFs are to be signed (a PKCS#12 file is configured)."""
    return bool(getattr(settings, "PDF_SIGNING_PKCS12", ""))


def sign_pdf(pdf_bytes: bytes, *, reason: str = "", location: str = "") -> bytes:
    """The PDF with an invisible PAdES signature (B-B, SHA-256) in the field "Signature1",
    appended as an incremental update; the bytes unchanged when signing is not configured."""
    if not signing_configured():
        return pdf_bytes
    # Function-level: pyhanko pulls in its certificate stack, only needed when signing is
    # configured (liaison/tests/test_no_oscrypto.py keeps the other paths free of it).
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    path = settings.PDF_SIGNING_PKCS12
    password = getattr(settings, "PDF_SIGNING_PASSWORD", "") or ""
    signer = signers.SimpleSigner.load_pkcs12(
        path, passphrase=password.encode() if password else None
    )
    if signer is None:
        raise ImproperlyConfigured(
            f"PDF_SIGNING_PKCS12: cannot load a key and certificate from {path!r} "
            "(missing file or wrong PDF_SIGNING_PASSWORD?)."
        )
    metadata = signers.PdfSignatureMetadata(
        field_name="Signature1",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        location=location or None,
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
    output = signers.PdfSigner(metadata, signer=signer).sign_pdf(writer)
    return output.getvalue()


def harfbuzz_subsetting_available() -> bool:
    """True when WeasyPrint subsets fonts with HarfBuzz (fast) rather than fontTools (slow)."""
    return weasyprint_ffi.harfbuzz_subset is not None and bool(
        weasyprint_ffi.harfbuzz.hb_version_atleast(4, 1, 0)
    )


def check_pdf_environment() -> list[str]:
    """Problems that make PDF rendering slow or wrong; empty when all is well."""
    problems = []
    if not harfbuzz_subsetting_available():
        problems.append(
            "HarfBuzz subsetting (libharfbuzz-subset0 >= 4.1) is missing: PDFs will be "
            "rendered through fontTools, many times slower. Run scripts/setup.sh as root."
        )
    if not FANDOL_FANG.is_file():
        problems.append(
            "The FandolFang font (texlive-lang-chinese) is missing: minutes will print their "
            "body in a fallback face. Run scripts/setup.sh as root."
        )
    return problems


def pdf_system_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The same as a Django system check (register it with ``checks.register``)."""
    return [
        checks.Warning(problem, id=f"liaison.W10{index}")
        for index, problem in enumerate(check_pdf_environment(), start=1)
    ]
