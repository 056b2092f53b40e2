"""The officer's completeness board for a round, its bulk actions and Excel export, and the
district-wide checks (duplicate IDs across schools, round-to-round movement).

The numbers come from collection/selectors.py; these views read the filters, page the rows and
call the services. Officers and administrators only: schools see their own submission page.
"""

import io
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from edinfo import access, downloads, thai
from edinfo.db import thai_order
from schools.models import AreaOffice, Cluster, District, Membership, School
from students.exporting import neutralise

from . import selectors, services
from .models import Reminder, Round, Submission
from .workflow import Action

PAGE_SIZE = 100
OFFICE = (access.OFFICER, access.ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BULK = 500  # schools in one bulk action: a page is 100; more is a mistake or a forged form


class BoardFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search name or code"), required=False)
    area = forms.ModelChoiceField(
        label=gettext_lazy("Area office"), queryset=AreaOffice.objects.none(), required=False,
        empty_label=gettext_lazy("All"),
    )
    district = forms.ModelChoiceField(
        label=gettext_lazy("District (amphoe)"), queryset=District.objects.none(), required=False,
        empty_label=gettext_lazy("All"),
    )
    cluster = forms.ModelChoiceField(
        label=gettext_lazy("Network cluster"), queryset=Cluster.objects.none(), required=False,
        empty_label=gettext_lazy("All"),
    )
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        with_schools = Exists(School.objects.filter(area=OuterRef("pk")))
        self.fields["area"].queryset = AreaOffice.objects.filter(with_schools).order_by("code")
        self.fields["district"].queryset = District.objects.filter(
            Exists(School.objects.filter(subdistrict__district=OuterRef("pk")))
        ).order_by(thai_order("name_th"), "code")
        clusters = Cluster.objects.select_related("area").order_by("area__code", "code")
        area = self.data.get("area") if self.is_bound else None
        if area and str(area).isdigit():
            clusters = clusters.filter(area_id=area)
        self.fields["cluster"].queryset = clusters
        self.fields["state"].choices = [("", _("All"))] + [(s, str(label)) for s, label in selectors.BOARD_STATES]
        for name, field in self.fields.items():
            if name == "overdue":
                field.widget.attrs["class"] = "form-check-input"
            else:
                field.widget.attrs["class"] = "form-select" if name != "q" else "form-control"

    def board_filters(self):
        """The filters understood; a value that is not understood is left out, the others apply."""
        self.is_valid()
        data = self.cleaned_data if self.is_bound else {}
        return selectors.BoardFilters(
            area=data.get("area"), district=data.get("district"), cluster=data.get("cluster"),
            state=data.get("state") or "", overdue=bool(data.get("overdue")), q=data.get("q") or "",
        )


def _round(round_id):
    return get_object_or_404(Round, pk=round_id)


def _board_for(request, round_):
    form = BoardFilterForm(request.GET or None)
    filters = form.board_filters()
    return form, selectors.board(round_, filters=filters, sort=request.GET.get("sort", ""))


def submission_url_pattern(round_):
    """The URL of a school's submission page with "{code}" for its SMIS code: reversed once per
    page rather than once per row."""
    marker = "99999999"
    url = reverse("collection:submission", kwargs={"round_id": round_.pk, "smis_code": marker})
    return url.replace(marker, "{code}")


def _decorate(rows, board, pattern):
    """Per-row values the template shows that are not columns of the query."""
    rows = list(rows)
    for row in rows:
        row.overdue = selectors.is_row_overdue(row, board.overdue)
        row.state_label = selectors.STATE_LABELS.get(row.state, row.state)
        row.submission_url = pattern.replace("{code}", quote(row.smis_code))
        row.district_name = row.subdistrict.district.name_th if row.subdistrict_id else ""
    return rows


def _query(request, drop=("page",), **changes):
    query = request.GET.copy()
    for name in drop:
        query.pop(name, None)
    for name, value in changes.items():
        query.pop(name, None)
        if value not in (None, ""):
            query[name] = value
    return query.urlencode()


@access.require_roles(*OFFICE)
def board(request, round_id):
    """Every school of the round with its state, records against the previous round, check
    results, last activity and whether it is late; counts per state over the filtered set."""
    round_ = _round(round_id)
    form, data = _board_for(request, round_)
    paginator = Paginator(data.rows, PAGE_SIZE)
    # The aggregate already counted the filtered set: spare the paginator its COUNT(*).
    paginator.count = data.total["schools"]
    page = paginator.get_page(request.GET.get("page"))
    rows = _decorate(selectors.attach_last_activity(page.object_list), data, submission_url_pattern(round_))
    chosen = data.filters.state
    state_links = [
        {"state": state, "label": label, "count": count, "active": chosen == state,
         "query": _query(request, drop=("page", "overdue"), state=state)}
        for state, label, count in data.state_counts
    ]
    sort_links = {}
    for key in selectors.SORTS:
        descending_first = key in ("errors", "warnings", "activity", "change", "change_pct")
        if data.sort == key:
            target = "-" + key
        elif data.sort == "-" + key:
            target = key
        else:
            target = "-" + key if descending_first else key
        sort_links[key] = _query(request, sort=target)
    return render(request, "collection/board.html", {
        "round": round_, "board": data, "form": form, "page": page, "rows": rows,
        "state_links": state_links, "sort_links": sort_links,
        "all_query": _query(request, drop=("page", "state", "overdue")),
        "overdue_query": _query(request, drop=("page", "state"), overdue="on"),
        "page_query": _query(request), "here_query": request.GET.urlencode(),
        "days_left": round_.days_left(), "today": timezone.localdate(),
        "tab": "board",
    })


@access.require_roles(*OFFICE)
@require_POST
def board_bulk(request, round_id):
    """Acknowledge the selected certified submissions, or remind the selected schools.

    Each submission goes through submission_act on its own, so one refusal does not stop the
    others; every refusal is reported with the school's name.
    """
    round_ = _round(round_id)
    back = reverse("collection:board", args=[round_.pk])
    query = request.POST.get("query", "")
    if query:
        back += "?" + query.lstrip("?").replace("\n", "").replace("\r", "")
    ids = [int(v) for v in request.POST.getlist("school") if v.isdigit()][:MAX_BULK]
    action = request.POST.get("action")
    if not ids:
        messages.warning(request, _("Tick at least one school first."))
        return redirect(back)
    # Only schools of this round: a closed school that never took part is not reminded or created.
    of_round = Q(is_open=True) | Q(pk__in=Submission.objects.filter(round=round_).values("school_id"))
    schools = list(School.objects.filter(of_round, pk__in=ids).order_by(thai_order("name"), "smis_code"))
    if action == "acknowledge":
        _acknowledge(request, round_, schools)
    elif action == "remind":
        _remind(request, round_, schools)
    else:
        messages.error(request, _("Unknown action."))
    return redirect(back)


def _acknowledge(request, round_, schools):
    submissions = {
        s.school_id: s for s in Submission.objects.filter(round=round_, school__in=schools).select_related("round")
    }
    done, refused = 0, []
    for school in schools:
        submission = submissions.get(school.pk)
        if submission is None:
            refused.append((school, _("The school has not started this round.")))
            continue
        submission.school = school
        try:
            services.submission_act(submission=submission, action=Action.ACKNOWLEDGE, user=request.user)
        except services.WorkflowError as error:
            refused.append((school, str(error)))
        else:
            done += 1
    if done:
        messages.success(request, _("%(count)d submissions acknowledged.") % {"count": done})
    _report_refusals(request, refused, _("%(count)d not acknowledged:"))


def _remind(request, round_, schools):
    from .carry import submissions_for_all
    from .reminders import DONE, send_reminders

    # A reminder names a submission: a school that has not started gets its draft, but only when
    # someone there can be told (as the daily reminders do), so "not started" stays meaningful.
    reachable = Membership.objects.filter(school=OuterRef("pk"), user__is_active=True).exclude(user__email="")
    submissions_for_all(round_, School.objects.filter(pk__in=[s.pk for s in schools]).filter(Exists(reachable)))
    by_school = {s.school_id: s for s in Submission.objects.filter(round=round_, school__in=schools)}
    submissions = []
    for school in schools:
        if school.pk in by_school:
            by_school[school.pk].school = school
            submissions.append(by_school[school.pk])
    sent = send_reminders(round=round_, submissions=submissions, user=request.user)
    reminded = {reminder.submission_id for reminder in sent}
    if reminded:
        messages.success(request, _("Reminders sent to %(count)d schools.") % {"count": len(reminded)})
    reminded_today = set(
        Reminder.objects.filter(submission__in=submissions, sent_on=timezone.localdate())
        .exclude(submission_id__in=reminded).values_list("submission_id", flat=True)
    )

    def why_not(submission):
        # The one reason that applies, so the officer knows whether to phone the school.
        if submission is not None and submission.status in DONE:
            return _("already certified: nothing to remind")
        if submission is not None and submission.pk in reminded_today:
            return _("already reminded today")
        return _("nobody at the school with an e-mail address for this step")

    skipped = [
        (school, why_not(by_school.get(school.pk)))
        for school in schools if getattr(by_school.get(school.pk), "pk", None) not in reminded
    ]
    _report_refusals(request, skipped, _("%(count)d schools not reminded:"))


def _report_refusals(request, refused, heading, shown=30):
    if not refused:
        return
    messages.warning(request, heading % {"count": len(refused)})
    for school, reason in refused[:shown]:
        messages.warning(request, f"{school.full_name} ({school.smis_code}): {reason}")
    if len(refused) > shown:
        messages.warning(request, _("… and %(count)d more.") % {"count": len(refused) - shown})


# Thai headers: the file goes to people who read Thai, whatever the page's language.
EXPORT_COLUMNS = [
    ("รหัส SMIS", 11), ("รหัสโรงเรียน (10 หลัก)", 14), ("ชื่อโรงเรียน", 34), ("อำเภอ", 16),
    ("กลุ่มเครือข่าย", 24), ("สถานะ", 26), ("จำนวนนักเรียนรอบนี้", 12), ("จำนวนนักเรียนรอบก่อน", 12),
    ("เพิ่ม/ลด", 10), ("เพิ่ม/ลด (%)", 10), ("ข้อผิดพลาดที่ต้องแก้", 12), ("ข้อควรตรวจสอบ", 14),
    ("ความครบถ้วน (%)", 12), ("เกินกำหนด", 10), ("เคลื่อนไหวล่าสุด", 20),
]
@access.require_roles(*OFFICE)
def board_export(request, round_id):
    """The board as filtered (every row, not one page) as .xlsx with Thai headers."""
    round_ = _round(round_id)
    _form, data = _board_for(request, round_)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("สถานะการส่งข้อมูล")
    for index, (_header, width) in enumerate(EXPORT_COLUMNS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    title = WriteOnlyCell(sheet, f"สถานะการส่งข้อมูล รอบ {round_.name} ณ {thai.format_date(timezone.now(), with_time=True)}")
    title.font = Font(bold=True)
    sheet.append([title])
    bold = Font(bold=True)
    header = []
    for text, _width in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    rows = data.rows if data.sort.lstrip("-") == "activity" else selectors.with_last_activity(data.rows)
    for row in rows.iterator(chunk_size=2000):
        sheet.append([
            row.smis_code, row.obec_code, neutralise(row.name),
            neutralise(row.subdistrict.district.name_th) if row.subdistrict_id else None,
            neutralise(row.cluster.name) if row.cluster_id else None,
            str(selectors.STATE_LABELS.get(row.state, row.state)), row.records, row.previous_records, row.change,
            round(row.change_pct, 1) if row.change_pct is not None else None,
            row.errors, row.warnings, round(row.completeness, 1),
            "เกินกำหนด" if selectors.is_row_overdue(row, data.overdue) else None,
            thai.format_date(row.last_activity, with_time=True) or None,
        ])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    name = downloads.filename("สถานะการส่งข้อมูล", downloads.round_label(round_), extension="xlsx")
    return downloads.attach(response, name, fallback=f"board-{round_.code}.xlsx")


@access.require_roles(*OFFICE)
def district_checks(request, round_id):
    """District-wide checks for a round: one person ID in two schools, and the movement of
    students since the previous round (leavers, arrivals, moves between schools)."""
    round_ = _round(round_id)
    area = request.GET.get("area", "")
    areas = list(AreaOffice.objects.filter(Exists(School.objects.filter(area=OuterRef("pk")))).order_by("code"))
    chosen = next((a for a in areas if str(a.pk) == area), None)
    schools = School.objects.filter(area=chosen) if chosen is not None else None
    return render(request, "collection/board_district_checks.html", {
        "round": round_, "areas": areas, "area": chosen,
        "duplicates": selectors.district_duplicates(round_, schools=schools),
        "movement": selectors.movement(round_, schools=schools),
        "limit": selectors.LIST_LIMIT, "tab": "checks", "days_left": round_.days_left(),
    })


urlpatterns = [
    path("<int:round_id>/board/", board, name="board"),
    path("<int:round_id>/board/bulk/", board_bulk, name="board_bulk"),
    path("<int:round_id>/board/export.xlsx", board_export, name="board_export"),
    path("<int:round_id>/district-checks/", district_checks, name="district_checks"),
]
