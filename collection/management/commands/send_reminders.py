"""python manage.py send_reminders [--round ID] [--days-before 3]

For cron, once a day (e.g. `30 7 * * * cd /srv/edinfo && .venv/bin/python manage.py send_reminders`):
e-mails the staff and director of every school that is behind in each open round, in the last
days before the deadline and every day after it. Running it twice in a day sends nothing more.
"""

from django.core.management.base import BaseCommand, CommandError

from collection.models import Round
from collection.reminders import send_reminders


class Command(BaseCommand):
    help = "E-mail reminders to schools that have not confirmed or certified their data (once a day)."

    def add_arguments(self, parser):
        parser.add_argument("--round", dest="round_id", help="a round's id or code (2569-nov10); default: every open round")
        parser.add_argument("--days-before", type=int, default=3,
                            help="start reminding this many days before the deadline (default 3)")

    def handle(self, *args, round_id=None, days_before=3, **options):
        if days_before < 0:
            raise CommandError("--days-before ต้องไม่ติดลบ")
        if round_id:
            rounds = [_find(round_id)]
        else:
            rounds = list(Round.objects.filter(state=Round.State.OPEN).order_by("closes_on", "pk"))
        total = 0
        for round_ in rounds:
            sent = send_reminders(round=round_, days_before=days_before)
            total += len(sent)
            self.stdout.write(f"{round_.name}: ส่งการแจ้งเตือน {len(sent)} โรงเรียน")
        self.stdout.write(self.style.SUCCESS(f"รวม {total} โรงเรียน"))


def _find(value):
    round_ = None
    if str(value).isdigit():
        round_ = Round.objects.filter(pk=int(value)).first()
    if round_ is None and "-" in str(value):
        year, _sep, kind = str(value).partition("-")
        if year.isdigit():
            round_ = Round.objects.filter(academic_year=int(year), kind=kind).order_by("-census_day").first()
    if round_ is None:
        raise CommandError(f"ไม่พบรอบการจัดเก็บ {value}")
    return round_
