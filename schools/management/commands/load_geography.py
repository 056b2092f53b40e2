from django.core.management.base import BaseCommand

from schools.geography import load_geography


class Command(BaseCommand):
    help = "Load or refresh Thai provinces, districts and subdistricts (DOPA codes) from the shipped data."

    def add_arguments(self, parser):
        parser.add_argument("--province", action="append", help="DOPA province code(s) only, e.g. 64")

    def handle(self, *args, **options):
        counts = load_geography(options["province"])
        self.stdout.write(
            f"จังหวัด {counts['provinces']} อำเภอ {counts['districts']} ตำบล {counts['subdistricts']}"
        )
