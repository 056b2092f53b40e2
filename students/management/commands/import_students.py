"""python manage.py import_students FILE --school CODE --round 2569-nov10 [--commit]

The web page's import engine on the command line: a dry run by default (summary and every
problem), writing only with --commit. Exit status 1, with the problems listed, when anything blocks.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from collection.models import Round
from schools.models import School
from students import services


class Command(BaseCommand):
    help = "Import a school's student file (DMC export, our template, or CSV) into a collection round."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx/.xls/.csv file")
        parser.add_argument("--school", required=True, help="the school's SMIS (8-digit) or OBEC (10-digit) code")
        parser.add_argument("--round", required=True, dest="round_code", help="round code, e.g. 2569-nov10")
        parser.add_argument("--commit", action="store_true", help="write the records (default: dry run)")
        parser.add_argument("--user", help="username recorded in the history (default: none)")

    def handle(self, *args, file, school, round_code, commit=False, user=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"ไม่พบไฟล์ {file}")
        school_obj = School.objects.filter(Q(smis_code=school) | Q(obec_code=school)).first()
        if school_obj is None:
            raise CommandError(f"ไม่พบโรงเรียนรหัส {school}")
        round_obj = find_round(round_code)
        user_obj = None
        if user:
            user_obj = get_user_model().objects.filter(username=user).first()
            if user_obj is None:
                raise CommandError(f"ไม่พบผู้ใช้ {user}")
        data = path.read_bytes()
        self.stdout.write(f"{school_obj.full_name} ({school_obj.smis_code}) · {round_obj.name} ({round_obj.code}) · {path.name}")
        if commit:
            try:
                result = services.import_commit(school=school_obj, round=round_obj, data=data, filename=path.name,
                                                user=user_obj)
            except services.ImportRefused as refused:
                for problem in refused.problems:
                    self.stdout.write(str(problem))
                raise CommandError(refused.message, returncode=1) from None
            self._report(result)
            self.stdout.write(self.style.SUCCESS("บันทึกแล้ว"))
            return
        result = services.import_preview(school=school_obj, round=round_obj, data=data, filename=path.name)
        self._report(result)
        if not result.can_commit:
            raise CommandError(result.refused or f"ยังนำเข้าไม่ได้: ข้อผิดพลาด {result.error_count:,} รายการ",
                               returncode=1)
        self.stdout.write("ทดลองอ่านเท่านั้น ยังไม่ได้บันทึก: เพิ่ม --commit เพื่อบันทึก")

    def _report(self, result):
        self.stdout.write(f"อ่านได้ {result.rows:,} แถว · {result.summary}")
        for problem in result.problems:
            style = self.style.ERROR if problem.is_error else self.style.WARNING
            self.stdout.write(style(str(problem)))


def find_round(code):
    year, _, kind = (code or "").partition("-")
    if not year.isdigit() or not kind:
        raise CommandError(f"รหัสรอบ {code} ไม่ถูกต้อง: ใช้รูปแบบ ปีการศึกษา-รอบ เช่น 2569-nov10")
    rounds = list(Round.objects.filter(academic_year=int(year), kind=kind))
    if not rounds:
        known = ", ".join(r.code for r in Round.objects.all()[:20]) or "ยังไม่มีรอบ"
        raise CommandError(f"ไม่พบรอบ {code} (มี: {known})")
    if len(rounds) > 1:
        days = ", ".join(str(r.census_day) for r in rounds)
        raise CommandError(f"รหัสรอบ {code} ตรงกับหลายรอบ ({days})")
    return rounds[0]
