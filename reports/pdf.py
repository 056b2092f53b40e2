"""PDF renderings through WeasyPrint, from the same template as the page, in Sarabun.

WeasyPrint is imported inside the functions: it is slow to load, and the portal must start on a
machine without it (only the PDF downloads need it).
"""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

FONT_WEIGHTS = (400, 700)
SARA_AM, NIKHAHIT, SARA_AA = "\u0e33", "\u0e4d", "\u0e32"


def font_css():
    """@font-face rules for Sarabun from the fontpkg files (file URIs: no network, no CDN)."""
    import fontpkg

    return mark_safe("\n".join(
        f'@font-face {{ font-family: "Sarabun"; font-weight: {weight}; '
        f'src: url("{Path(fontpkg.path("sarabun", weight)).as_uri()}"); }}'
        for weight in FONT_WEIGHTS
    ))


def html_to_pdf(html, *, base_url=None):
    """PDF bytes for an HTML document (its CSS sets @page, the fonts and the margins)."""
    from weasyprint import HTML

    # Thai shaping splits sara am (ำ) into nikhahit + sara aa glyphs, and WeasyPrint maps each glyph
    # back to the text where it first met it: after a ำ every า of the document copies out as ำ
    # ("ชาย" → "ชำย"). Written as its two parts, ำ looks the same and every glyph maps to itself.
    html = html.replace(SARA_AM, NIKHAHIT + SARA_AA)
    return HTML(string=html, base_url=base_url).write_pdf()


def report_pdf(report, *, digits=""):
    """A4 PDF of a Report: the office's name at the top of every page, "หน้า n/N" at the bottom,
    table headers repeated on each page; digits="th" writes Thai digits."""
    from .views import report_context

    return html_to_pdf(render_to_string("reports/report.html", report_context(report, digits=digits, pdf=True)))
