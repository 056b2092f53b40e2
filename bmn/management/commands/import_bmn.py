"""Load TPMAP จปฐ. files from the command line: the same checks and rules as the upload page."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bmn import indicators as indicator_data
from bmn import services
from bmn.models import IndicatorSet


class Command(BaseCommand):
    help = "Import TPMAP จปฐ. amphoe/tambon/village 'common' files for one survey year (B.E.)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="CSV or .xlsx files")
        parser.add_argument("--year", type=int, required=True, help="survey year (B.E.), e.g. 2561")
        parser.add_argument("--set", dest="set_code", default=indicator_data.DEFAULT_SET["code"],
                            help="indicator set code (default 2560-2564)")
        parser.add_argument("--notes", default="")
        parser.add_argument("--replace", action="store_true",
                            help="replace the rows already imported for a level of this survey "
                                 "(they are kept as a downloadable copy first)")

    def handle(self, *args, files, year, set_code, notes, replace, **options):
        indicator_data.ensure_default_set()
        indicator_set = IndicatorSet.objects.filter(code=set_code).first()
        if indicator_set is None:
            raise CommandError(f"ไม่มีชุดตัวชี้วัด {set_code}")
        payload = []
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"ไม่พบไฟล์ {name}")
            payload.append((path.name, path.read_bytes()))
        result = services.import_files(year=year, indicator_set=indicator_set, files=payload, notes=notes,
                                       replace=replace)
        for parsed in result.files:
            self.stdout.write(f"{parsed.filename}: {parsed.level_th or '-'} {len(parsed.rows)} แถว")
            if parsed.refused:
                self.stdout.write(f"  ไม่นำเข้า: {parsed.refused}")
            for problem in parsed.problems:
                self.stdout.write(f"  [{problem.level}] {problem}")
        for problem in result.problems:
            self.stdout.write(f"  [{problem.level}] {problem}")
        for item in result.replacing:
            self.stdout.write(f"ระดับ{item.level_th}: มีอยู่ {item.before:,} แถว ไฟล์ใหม่ {item.new:,} แถว"
                              + (f" รหัสที่ไม่มีในไฟล์ใหม่ {len(item.missing):,}: {' '.join(item.missing)}"
                                 if item.missing else ""))
        if result.needs_confirmation:
            raise CommandError(f"ไม่ได้นำเข้า: {result.existing_survey.label} มีข้อมูลระดับนี้อยู่แล้ว "
                               "ใช้ --replace ถ้าต้องการแทนที่ (ข้อมูลเดิมจะถูกเก็บสำเนาไว้ก่อน)")
        if not result.committed:
            raise CommandError(result.blocked_message)
        for line in result.summary_lines:
            self.stdout.write(self.style.SUCCESS(line))
