from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Compile every locale/*/LC_MESSAGES/*.po into .mo with Babel, so a fresh machine needs "
        "no GNU gettext. Skips catalogues whose .mo is newer than the .po."
    )

    def handle(self, *args, **options):
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                with open(po_path, "rb") as po_file:
                    catalog = read_po(po_file)
                with open(mo_path, "wb") as mo_file:
                    write_mo(mo_file, catalog)
                self.stdout.write(f"compiled {mo_path.relative_to(settings.BASE_DIR)}")
