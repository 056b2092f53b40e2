"""Bar charts as hand-written SVG, so the same chart appears in the page and in the PDF (no JS, no CDN).

Horizontal bars: Thai labels are long, and a row per bar keeps them readable on A4 and on a phone.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

LABEL_WIDTH = 230


def _svg_open(width, height, font_size):
    """The <svg> element: drawn on a width × height grid (viewBox) and scaled to its container, at
    most its own width, keeping its proportions: a phone shows the whole chart instead of scrolling
    sideways, and the PDF still gets its size from the width and height attributes."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" '
            f'style="width: 100%; max-width: {width}px; height: auto" '
            f'font-family="Sarabun, sans-serif" font-size="{font_size}">')
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
        _svg_open(width, height, 12),
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


LINE_COLOURS = ("#2f6fb5", "#c0504d", "#5b9bd5", "#9bbb59")


def _positions(labels):
    """The labels as numbers (academic years), or None when any is not a number."""
    try:
        return [float(label) for label in labels]
    except (TypeError, ValueError):
        return None


def line_chart(labels, lines, *, title="", width=640, height=240, number=str, positions=None):
    """SVG markup for lines over shared x labels (e.g. academic years).

    `lines` is [(name, values, dashed)], values aligned with `labels`, None for no point (a gap);
    each point has its value written above it, and a legend names the lines. The x axis is spaced
    by value: `positions` (numbers aligned with `labels`), else the labels themselves when they
    are numbers, so that 2560, 2561, 2564 show the missing years as a wider gap; labels that
    are not numbers are spaced evenly."""
    labels = [str(label) for label in labels]
    points = [value for _name, values, _dashed in lines for value in values if value is not None]
    if not labels or not points:
        return ""
    # Room above the plot for the title, and inside its top for the labels over the highest points;
    # the points stand in from both axes so that a label never sits on the axis or its figures.
    title_room = 26 if title else 0
    label_room = 16
    top = title_room + label_room + 4
    left, right, bottom, inset = 50, 20, 46, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(points) or 1
    where = list(positions) if positions is not None else _positions(labels)
    if where is None:
        where = list(range(len(labels)))
    low, span = min(where), max(where) - min(where)

    def x(index):
        inner = plot_w - 2 * inset
        return left + inset + (inner * (where[index] - low) / span if span else inner / 2)

    def y(value):
        return top + plot_h - plot_h * value / peak

    parts = [
        _svg_open(width, height, 11),
        f"<title>{escape(title)}</title>" if title else "",
    ]
    if title:
        parts.append(f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>')
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#888"/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#888"/>')
    parts.append(f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{escape(number(peak))}</text>')
    parts.append(f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">0</text>')
    for index, label in enumerate(labels):
        parts.append(f'<text x="{x(index):.1f}" y="{top + plot_h + 16}" text-anchor="middle">{escape(label)}</text>')
    labelled = set()
    for number_, (name, values, dashed) in enumerate(lines):
        colour = LINE_COLOURS[number_ % len(LINE_COLOURS)]
        coords = [(x(i), y(v), v) for i, v in enumerate(values) if v is not None]
        if not coords:
            continue
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _v in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for px, py, value in coords:
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>')
            # One label per point: where two lines meet (the projection starts at the last actual
            # figure) the value is written once, by the first line.
            key = (round(px, 1), round(py, 1))
            if key in labelled:
                continue
            labelled.add(key)
            parts.append(f'<text x="{px:.1f}" y="{py - 7:.1f}" text-anchor="middle" class="point-label">'
                         f'{escape(number(value))}</text>')
        legend_x = left + number_ * 150
        parts.append(f'<line x1="{legend_x}" y1="{height - 8}" x2="{legend_x + 24}" y2="{height - 8}" '
                     f'stroke="{colour}" stroke-width="2"{dash}/>'
                     f'<text x="{legend_x + 30}" y="{height - 4}">{escape(name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
