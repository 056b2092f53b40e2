"""Load (or replace, while no survey uses it) a จปฐ. indicator set from a CSV: indicator_no, name_th, category_no, category_name,
is_education. Without a file: the 2560–2564 set shipped in bmn/data."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bmn import indicators as indicator_data
from students.importing import FileRefused


class Command(BaseCommand):
    help = "Load a จปฐ. indicator set from a CSV of the shape of bmn/data/indicator_set_2560_2564.csv."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?")
        parser.add_argument("--code", help="e.g. 2566-2570")
        parser.add_argument("--name")
        parser.add_argument("--first-year", type=int)
        parser.add_argument("--last-year", type=int)

    def handle(self, *args, file, code, name, first_year, last_year, **options):
        if not file:
            indicator_set = indicator_data.ensure_default_set()
            self.stdout.write(f"{indicator_set.name}: {indicator_set.indicators.count()} ตัวชี้วัด")
            return
        if not code or not name:
            raise CommandError("ต้องระบุ --code และ --name ของชุดตัวชี้วัด")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"ไม่พบไฟล์ {file}")
        try:
            items, problems = indicator_data.read_indicator_file(path.read_bytes(), path.name)
        except FileRefused as error:
            raise CommandError(error.message) from None
        if problems:
            raise CommandError("\n".join(str(p) for p in problems))
        try:
            indicator_set = indicator_data.save_indicator_set(code=code, name=name, first_year=first_year,
                                                              last_year=last_year, indicators=items)
        except indicator_data.SetInUse as error:
            raise CommandError(error.message) from None
        self.stdout.write(self.style.SUCCESS(f"{indicator_set.name}: {len(items)} ตัวชี้วัด"))
