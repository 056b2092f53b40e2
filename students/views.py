"""Pages for per-student records: a school's list, one record, add/edit, problems, files in and out.

Who sees what (DESIGN.md §2): a school's staff and director see their own school's students,
planning officers every school's; executives never see a student's row (403 everywhere here).
Writes are for the school's staff: the director reviews and certifies, the office checks and
returns with a reason. Lists show masked IDs; the full ID is shown only on a record's own page,
and every opening or export of personal data is written to the access log.
"""

import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from collection.models import Round, Submission
from edinfo import access, downloads
from edinfo.db import thai_order
from edinfo.models import AccessLog
from edinfo.templatetags.thai import thdate
from schools.levels import Level
from schools.models import School

from . import checks, exporting, services
from .forms import MAX_UPLOAD_BYTES, StudentFilterForm, StudentRecordForm, UploadForm
from .models import StudentRecord
from .selectors import stored_problems

PAGE_SIZE = 50
# Who may open a school's student pages, who may change them, who may read the full person ID.
READ_ROLES = (access.STAFF, access.DIRECTOR, access.OFFICER)
EDIT_ROLES = (access.STAFF,)
FULL_ID_ROLES = (access.STAFF, access.DIRECTOR, access.OFFICER)

IMPORT_DIR = "imports"
SESSION_KEY = "student_import"
PENDING_MAX_AGE = 24 * 60 * 60  # seconds an unconfirmed upload is kept (a session lasts 8 hours)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


# --- helpers ------------------------------------------------------------------------------------


def _rounds(request):
    if not hasattr(request, "_student_rounds"):
        request._student_rounds = list(Round.objects.all())
    return request._student_rounds


def _round_for(request):
    """The round a page works on: ?round=<id>, else the current one as the home page has it (the open
    round with the nearest deadline, else the latest), never a round only planned for later.
    None when there is no round yet."""
    rounds = _rounds(request)
    wanted = request.GET.get("round") or request.POST.get("round")
    if wanted:
        chosen = next((r for r in rounds if str(r.pk) == str(wanted)), None)
        if chosen is None:
            raise Http404
        return chosen
    current = Round.objects.current()
    return next((r for r in rounds if r.pk == current.pk), None) if current else None


def _no_round(request):
    return render(request, "students/no_round.html")


def _school(request, smis_code, roles=READ_ROLES):
    return access.get_school_for(request.user, School.objects.with_related(), roles=roles, smis_code=smis_code)


def _can(request, school, roles):
    cache = request.__dict__.setdefault("_student_school_roles", {})
    if school.pk not in cache:
        cache[school.pk] = access.school_roles_of(request.user, school)
    return bool(cache[school.pk] & set(roles))


def _submission(school, round_):
    return Submission.objects.filter(school=school, round=round_).first()


def _url(name, school, round_):
    return f"{reverse(f'students:{name}', args=[school.smis_code])}?round={round_.pk}"


def _lock_reason(submission, school, round_):
    """Submission.lock_reason, also for a school with no submission yet (a planned round is locked)."""
    return (submission or Submission(school=school, round=round_)).lock_reason


def _locked_message(reason, round_):
    """What to tell a school user who tried to change locked data, naming the reason."""
    if reason == "planned":
        if round_.opens_on:
            return _("This round is not open for data entry yet (opens on %(day)s).") % {
                "day": thdate(round_.opens_on)}
        return _("This round is not open for data entry yet.")
    if reason == "closed":
        return _("The round has closed: the data can no longer change unless the office reopens it for this school.")
    return _("This school's data for the round is certified and locked: nothing can be changed.")


def _context(request, school, round_, **extra):
    submission = _submission(school, round_)
    lock_reason = _lock_reason(submission, school, round_)
    return {
        "school": school,
        "round": round_,
        "rounds": _rounds(request),
        "submission": submission,
        "locked": bool(lock_reason),
        "lock_reason": lock_reason,
        "locked_message": _locked_message(lock_reason, round_) if lock_reason else "",
        "can_edit": _can(request, school, EDIT_ROLES),
        **extra,
    }


def _download(content, filename, content_type, fallback):
    return downloads.attach(HttpResponse(content, content_type=content_type), filename, fallback=fallback)


def _problem_rows(problems):
    """Problems sorted for reading: errors first, then by row and column."""
    return sorted(problems, key=lambda p: (p.level != checks.ERROR, p.row or 0, str(p.column or "")))


# --- entry points -------------------------------------------------------------------------------


@access.require_roles(*READ_ROLES)
def index(request):
    """Where the nav link lands: officers on the district page, a school user on their school."""
    if access.OFFICER in access.roles_of(request.user):
        return redirect("students:district")
    schools = list(School.objects.visible_to(request.user).order_by("smis_code"))
    if len(schools) == 1:
        return redirect("students:list", schools[0].smis_code)
    return render(request, "students/index.html", {"schools": schools})


@access.require_roles(access.OFFICER)
def district(request):
    """The office's view of a round: records per school and the district-wide duplicate IDs."""
    round_ = _round_for(request)
    if round_ is None:
        return _no_round(request)
    counts = dict(
        StudentRecord.objects.filter(round=round_).values_list("school_id").annotate(n=Count("pk")).order_by()
    )
    schools = School.objects.filter(Q(is_open=True) | Q(pk__in=counts)).order_by(thai_order("name"), "smis_code")
    rows = [(school, counts.get(school.pk, 0)) for school in schools]
    duplicates = checks.district_duplicates(round_)
    return render(request, "students/district.html", {
        "round": round_, "rounds": _rounds(request), "rows": rows, "duplicates": duplicates,
        "total": sum(counts.values()), "schools_without": sum(1 for _s, n in rows if not n),
    })


@access.require_roles(access.OFFICER)
def district_export(request, extension):
    round_ = _round_for(request)
    if round_ is None:
        return _no_round(request)
    records = StudentRecord.objects.visible_to(request.user).filter(round=round_)
    return _export(request, records, round_, None, extension)


# --- a school's students ------------------------------------------------------------------------


@access.school_view
def student_list(request, smis_code):
    school = _school(request, smis_code)
    round_ = _round_for(request)
    if round_ is None:
        return _no_round(request)
    records = StudentRecord.objects.visible_to(request.user).filter(school=school, round=round_)
    grades = records.values_list("grade", flat=True).distinct().order_by()
    present = set(grades)
    filters = StudentFilterForm(request.GET or None, grades=[c for c in Level.choices if c[0] in present])
    filters.is_valid()  # a value not understood is left out; the others still filter
    data = filters.cleaned_data if filters.is_bound else {}
    filtered = records
    if data.get("grade"):
        filtered = filtered.filter(grade=data["grade"])
    if data.get("room") is not None:
        filtered = filtered.filter(room=data["room"])
    if data.get("q", "").strip():
        q = data["q"].strip()
        if q[:1].isdigit():  # an ID as people write it: 1-1017-00203-45-1
            q = q.replace("-", "").replace(" ", "")
        filtered = filtered.filter(
            Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(student_number=q) | Q(person_id=q)
        )
    page = Paginator(filtered.order_by("grade", "room", "student_number", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    total = page.paginator.count if filtered is records else records.count()
    query = request.GET.copy()
    query.pop("page", None)
    query["round"] = round_.pk
    return render(request, "students/student_list.html", _context(
        request, school, round_, page=page, filters=filters, query=query.urlencode(), total=total,
    ))


def _record(request, school):
    """The record named by ?id=, in this school and visible to the user; None when no id is given.

    (The id is a query parameter rather than a URL part so every student URL keeps the one URL
    keyword, smis_code, that the access walker in tests/edinfo/test_urls_access.py fills in.)
    """
    pk = request.GET.get("id", "")
    if not pk:
        return None
    if not pk.isdigit():
        raise Http404
    return get_object_or_404(
        StudentRecord.objects.visible_to(request.user).select_related("round", "school"), pk=pk, school=school
    )


def record_url(record, name="detail"):
    return f"{reverse(f'students:{name}', args=[record.school.smis_code])}?id={record.pk}"


@access.school_view
def student_detail(request, smis_code):
    school = _school(request, smis_code)
    record = _record(request, school)
    if record is None:
        return redirect("students:list", school.smis_code)
    round_ = record.round
    show_full_id = _can(request, school, FULL_ID_ROLES)
    AccessLog.record(
        request, AccessLog.Action.VIEW, f"student record {record.pk} ({record.masked_id}) {school.smis_code}"
    )
    history = record.history.select_related("history_user").order_by("-history_date")[:20]
    return render(request, "students/student_detail.html", _context(
        request, school, round_, record=record, show_full_id=show_full_id, history=history,
        problems=_problem_rows(checks.check_record(
            {name: getattr(record, name) for name in StudentRecordForm.base_fields},
            school=school, round=round_, exclude_pk=record.pk,
        )),
    ))


def _form_page(request, school, round_, record=None):
    context = _context(request, school, round_)
    if context["locked"]:
        messages.error(request, context["locked_message"])
        return redirect(_url("list", school, round_))
    instance = record or StudentRecord(school=school, round=round_)
    form = StudentRecordForm(request.POST or None, instance=instance)
    warnings = []
    if request.method == "POST":
        form.is_valid()
        # The import's checks run on whatever the form could read, so every mistake shows at once;
        # a field the form already refused keeps the form's message.
        data = {name: form.cleaned_data[name] for name in form.fields if name in form.cleaned_data}
        problems = checks.check_record(data, school=school, round=round_, exclude_pk=record.pk if record else None)
        for problem in problems:
            if problem.level == checks.ERROR and problem.field not in form.errors:
                form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        warnings = [p for p in problems if p.level != checks.ERROR]
        if form.is_valid():
            try:
                saved, warnings = services.record_save(
                    school=school, round=round_, data=data, user=request.user, record=record
                )
            except services.ImportRefused as refusal:
                for problem in getattr(refusal, "problems", []):
                    form.add_error(problem.field if problem.field in form.fields else None, problem.message)
                if not getattr(refusal, "problems", None):
                    messages.error(request, refusal.message)
                    return redirect(_url("list", school, round_))
            else:
                for warning in warnings:
                    messages.warning(request, f"{warning.column}: {warning.message}")
                messages.success(request, _("The student's record was saved."))
                return redirect(record_url(saved))
    return render(request, "students/student_form.html", {**context, "form": form, "record": record,
                                                          "warnings": warnings})


@access.school_view
def student_add(request, smis_code):
    school = _school(request, smis_code, roles=EDIT_ROLES)
    round_ = _round_for(request)
    if round_ is None:
        return _no_round(request)
    return _form_page(request, school, round_)


@access.school_view
def student_edit(request, smis_code):
    school = _school(request, smis_code, roles=EDIT_ROLES)
    record = _record(request, school)
    if record is None:
        return redirect("students:list", school.smis_code)
    return _form_page(request, school, record.round, record)


@access.school_view
def problems(request, smis_code):
    """Every error and warning in the school's records for the round, and IDs other schools hold too."""
    school = _school(request, smis_code)
    round_ = _round_for(request)
    if round_ is None:
        return _no_round(request)
    found = stored_problems(school=school, round=round_)
    return render(request, "students/problems.html", _context(
        request, school, round_, rows=found.pairs, errors=found.error_count,
    ))


# --- files --------------------------------------------------------------------------------------


@access.school_view
def template_download(request, smis_code):
    _school(request, smis_code)
    name = exporting.template_filename()
    return _download(exporting.template_xlsx(), name, XLSX, fallback=name.replace("แบบฟอร์มนักเรียน", "student-template"))


@access.school_view
def export(request, smis_code, extension):
    school = _school(request, smis_code)
    round_ = _round_for(request)
    if round_ is None:
        return _no_round(request)
    records = StudentRecord.objects.visible_to(request.user).filter(school=school, round=round_)
    return _export(request, records, round_, school, extension)


def _export(request, records, round_, school, extension):
    if extension == "xlsx":
        content, content_type = exporting.export_xlsx(records, census_day=round_.census_day), XLSX
    else:
        content, content_type = exporting.export_csv(records, census_day=round_.census_day), CSV
    filename = exporting.export_filename(round_, school, extension)
    who = school.smis_code if school else "district"
    AccessLog.record(request, AccessLog.Action.EXPORT, f"{filename}: {records.count()} student records ({who})")
    return _download(content, filename, content_type,
                     fallback=exporting.export_fallback_filename(round_, school, extension))


# --- import: upload → preview → confirm ---------------------------------------------------------


def _import_dir():
    path = Path(settings.MEDIA_ROOT) / IMPORT_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sweep():
    """Delete uploads nobody confirmed or cancelled: personal data is not kept longer than needed."""
    limit = time.time() - PENDING_MAX_AGE
    for path in _import_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _pending(request, school, round_):
    """The uploaded file waiting for confirmation, if it belongs to this school and round."""
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("school") != school.smis_code or pending.get("round") != round_.pk:
        return None
    path = _import_dir() / pending["stored"]
    if not path.is_file():
        return None
    return {**pending, "path": path}


def _discard(request):
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        # The stored name is ours (uuid + extension), never the uploader's, so it cannot escape the folder.
        (_import_dir() / Path(pending["stored"]).name).unlink(missing_ok=True)


def _guard_import(request, school, round_):
    """The page saying why nothing can be imported (the data is locked, or the round not open), or None."""
    if _lock_reason(_submission(school, round_), school, round_):
        _discard(request)
        return render(request, "students/import_locked.html", _context(request, school, round_))
    return None


@access.school_view
def import_upload(request, smis_code):
    school = _school(request, smis_code, roles=EDIT_ROLES)
    round_ = _round_for(request)
    if round_ is None:
        return _no_round(request)
    refusal = _guard_import(request, school, round_)
    if refusal:
        return refusal
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        _discard(request)
        _sweep()
        stored = f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
        with open(_import_dir() / stored, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        request.session[SESSION_KEY] = {
            "stored": stored, "filename": Path(upload.name).name[:200], "school": school.smis_code, "round": round_.pk,
        }
        return redirect(_url("import_preview", school, round_))
    return render(request, "students/import_upload.html", _context(
        request, school, round_, form=form, pending=_pending(request, school, round_),
        max_mb=MAX_UPLOAD_BYTES // 1024 // 1024,
    ))


@access.school_view
def import_preview(request, smis_code):
    school = _school(request, smis_code, roles=EDIT_ROLES)
    round_ = _round_for(request)
    if round_ is None:
        return _no_round(request)
    refusal = _guard_import(request, school, round_)
    if refusal:
        return refusal
    pending = _pending(request, school, round_)
    if pending is None:
        messages.info(request, _("Choose a file to import first."))
        return redirect(_url("import_upload", school, round_))
    preview = services.import_preview(
        school=school, round=round_, data=pending["path"].read_bytes(), filename=pending["filename"]
    )
    if preview.refused:
        # The file as a whole cannot be read: say why on the upload page and forget the file.
        _discard(request)
        messages.error(request, preview.refused)
        return redirect(_url("import_upload", school, round_))
    problems = _problem_rows(preview.problems)
    return render(request, "students/import_preview.html", _context(
        request, school, round_, preview=preview, problems=problems, pending=pending,
        errors=preview.error_count, warnings=len(problems) - preview.error_count,
    ))


@access.school_view
def import_confirm(request, smis_code):
    school = _school(request, smis_code, roles=EDIT_ROLES)
    if request.method != "POST":  # after the access check, so outsiders get 404 here too
        return HttpResponseNotAllowed(["POST"])
    round_ = _round_for(request)
    if round_ is None:
        return _no_round(request)
    pending = _pending(request, school, round_)
    if pending is None:
        messages.error(request, _("The uploaded file is no longer available: please upload it again."))
        return redirect(_url("import_upload", school, round_))
    try:
        # One transaction inside the service: either the round holds the whole file or nothing changed.
        result = services.import_commit(
            school=school, round=round_, data=pending["path"].read_bytes(), filename=pending["filename"],
            user=request.user, allow_removals=request.POST.get("confirm_removals") == "on",
        )
    except services.ImportRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(_url("import_preview", school, round_))
    _discard(request)
    AccessLog.record(request, AccessLog.Action.IMPORT, f"{pending['filename']} → {school.smis_code} {round_.code}")
    messages.success(request, _commit_message(result))
    return redirect(_url("list", school, round_))


def _commit_message(result):
    return _("The file was imported: %(new)s new, %(changed)s changed, %(unchanged)s unchanged, "
             "%(removed)s removed.") % {
        "new": result.new, "changed": result.changed, "unchanged": result.unchanged, "removed": result.removed,
    }


@access.school_view
def import_cancel(request, smis_code):
    school = _school(request, smis_code, roles=EDIT_ROLES)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    round_ = _round_for(request)
    _discard(request)
    messages.info(request, _("The uploaded file was discarded; nothing was saved."))
    return redirect(_url("list", school, round_) if round_ else reverse("students:index"))
