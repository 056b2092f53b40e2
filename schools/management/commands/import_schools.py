from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from schools.importing import FIELD_LABELS, REFUSAL_KINDS, WARNING_KINDS, ImportFileError
from schools.services import ImportReport, import_school_file


class Command(BaseCommand):
    help = (
        "Import the school list: OBEC's published CSV or our own export (CSV or XLSX). "
        "Dry run unless --commit; nothing is saved when any row is refused (exit status 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV (UTF-8) or XLSX file")
        parser.add_argument("--commit", action="store_true", help="save the changes (default: dry run)")

    def handle(self, *args, **options):
        try:
            report = import_school_file(path=options["file"], commit=options["commit"])
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        self.print_report(report=report)
        if report.refused_rows:
            raise CommandError(
                f"ไม่ได้บันทึกข้อมูลใด ๆ: ถูกปฏิเสธ {report.refused_rows:,} แถว แก้ไขไฟล์ตามรายการข้างบนแล้วนำเข้าใหม่"
            )
        if report.written:
            self.stdout.write(self.style.SUCCESS("บันทึกแล้ว"))
        else:
            self.stdout.write("ทดลองนำเข้าเท่านั้น ยังไม่ได้บันทึกข้อมูล: สั่งอีกครั้งพร้อม --commit เพื่อบันทึก")

    def print_report(self, *, report: ImportReport) -> None:
        """Every problem first, one line each, then the summary, so the counts are what stays on screen."""
        refusals = [problem for problem in report.problems if problem.refused]
        warnings = [problem for problem in report.problems if not problem.refused]
        for title, problems in (("ปัญหาที่ทำให้ถูกปฏิเสธ", refusals), ("คำเตือน (รับไว้)", warnings)):
            if problems:
                self.stdout.write(f"{title}:")
                for problem in problems:
                    self.stdout.write(str(problem))
                self.stdout.write("")
        write = self.stdout.write
        write(f"ไฟล์: {report.path.name} ({report.layout.value})")
        write(f"อ่านแล้ว: {report.rows_read:,} แถว")
        write(f"โรงเรียนใหม่: {report.new:,}")
        write(f"ปรับปรุง: {report.updated:,}")
        for name, count in report.changed_fields.most_common():
            write(f"    {FIELD_LABELS.get(name, name)}: {count:,}")
        write(f"ไม่เปลี่ยนแปลง: {report.unchanged:,}")
        write(f"ถูกปฏิเสธ: {report.refused_rows:,} แถว")
        write(f"เขตพื้นที่การศึกษาใหม่: {report.areas_new:,}")
        write(f"เขตพื้นที่การศึกษาที่ปรับปรุง: {report.areas_updated:,}")
        for title, problems, labels in (
            ("ปัญหาที่ทำให้ถูกปฏิเสธ", refusals, REFUSAL_KINDS),
            ("คำเตือน", warnings, WARNING_KINDS),
        ):
            write(f"{title}: {len(problems):,} รายการ")
            counts = Counter(problem.kind for problem in problems)
            for kind, label in labels.items():
                if counts[kind]:
                    write(f"  - {label}: {counts[kind]:,}")
