"""Bar charts as hand-written SVG, so the same chart appears in the page and in the PDF (no JS, no CDN).

Horizontal bars: Thai labels are long, and a row per bar keeps them readable on A4 and on a phone.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

LABEL_WIDTH = 230
ROW = 22
BAR = 15
COLOURS = ("#2f6fb5", "#5b9bd5")


def bar_chart(items, *, title="", width=640, number=str):
    """SVG markup for [(label, value)]: one horizontal bar each, the value written after it.

    `number` formats the values (e.g. with Thai digits), as the table beside the chart does."""
    items = [(str(label), value or 0) for label, value in items]
    if not items:
        return ""
    top = 28 if title else 6
    height = top + ROW * len(items) + 6
    room = width - LABEL_WIDTH - 70
    peak = max((value for _label, value in items), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="Sarabun, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>" if title else "",
    ]
    if title:
        parts.append(f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>')
    for index, (label, value) in enumerate(items):
        y = top + index * ROW
        length = max(room * value / peak, 0) if value > 0 else 0
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR - 3}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR}" fill="{COLOURS[index % 2]}"/>'
            f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + BAR - 3}">{escape(number(value))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
