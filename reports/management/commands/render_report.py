"""Write one report of the catalogue to a file, for scripted publishing.

    python manage.py render_report students --round 2569-nov10 --district 6401 --format pdf --out r.pdf
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from collection.models import Round
from reports import catalogue, selectors
from reports.views import render_report_html


class Command(BaseCommand):
    help = "Render a report (HTML, PDF or Excel) of a collection round to a file."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=sorted(catalogue.CATALOGUE))
        parser.add_argument("--round", required=True, help="the round's id or code, e.g. 2569-nov10")
        parser.add_argument("--school", help="SMIS or OBEC code")
        parser.add_argument("--district", help="amphoe DOPA code, e.g. 6401")
        parser.add_argument("--cluster", type=int, help="cluster id")
        parser.add_argument("--group-by", choices=sorted(selectors.GROUP_BY))
        parser.add_argument("--provisional", action="store_true", help="include uncertified data (marked)")
        parser.add_argument("--digits", choices=["th"], help="Thai digits")
        parser.add_argument("--format", choices=["html", "pdf", "xlsx"], default="html")
        parser.add_argument("--out", required=True, help="the file to write")
        parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                            help="a report's own setting, e.g. --param distance=6 (repeatable)")

    def handle(self, *args, name, round, format, out, **options):
        try:
            round = selectors.resolve_round(round)
        except Round.DoesNotExist:
            raise CommandError(f"No collection round {round!r} (give its id or a code like 2569-nov10).") from None
        filters = {key: options[key] for key in ("school", "district", "cluster") if options[key]}
        if options["provisional"]:
            filters["provisional"] = True
        entry = catalogue.CATALOGUE[name]
        given = dict(item.partition("=")[::2] for item in options["param"])
        unknown = set(given) - {param.name for param in entry.params}
        if unknown:
            raise CommandError(f"{name} takes no setting {', '.join(sorted(unknown))}.")
        filters.update(entry.param_values(given))
        report = catalogue.build(name, round, group_by=options["group_by"], **filters)
        digits = options["digits"] or ""
        if format == "pdf":
            from reports.pdf import report_pdf

            data = report_pdf(report, digits=digits)
        elif format == "xlsx":
            from reports.xlsx import report_xlsx

            data = report_xlsx(report)
        else:
            data = render_report_html(report, digits=digits, pdf=True).encode()
        Path(out).write_bytes(data)
        self.stdout.write(f"{out}: {report.title} ({report.coverage_line})")
