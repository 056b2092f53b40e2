import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from edinfo import demo, demo_history, demo_rounds, demo_students


class Command(BaseCommand):
    help = "Build (or refresh) the synthetic demo district and its users, and print the logins."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="password for every demo login (default: a new random one)")
        parser.add_argument("--seed", type=int, default=2569, help="random seed (same seed, same district)")

    def handle(self, *args, password=None, seed=2569, **options):
        if password is None:
            password = "demo-" + secrets.token_urlsafe(9)
        else:
            try:
                validate_password(password)
            except ValidationError as error:
                raise CommandError("รหัสผ่านใช้ไม่ได้: " + " ".join(error.messages)) from error
        schools = demo.build_district(seed=seed)
        demo.build_users(schools, password, seed=seed)
        made = demo_students.build_students(schools, seed=seed)
        made_june = demo_rounds.build_cycle(schools, seed=seed)
        made_history = demo_history.build_history(schools, seed=seed)
        first = schools[0]
        staff, director = demo.demo_usernames(first)
        self.stdout.write(self.style.SUCCESS(f"เขตพื้นที่ตัวอย่าง {demo.AREA_NAME}: โรงเรียน {len(schools)} แห่ง"))
        self.stdout.write(
            f"นักเรียนรายบุคคล รอบ {demo_students.ROUND_NAME}: {demo_students.student_total():,} คน"
            f" (เพิ่มใหม่ {made:,} คน)"
        )
        if made_june:
            self.stdout.write(f"รอบ {demo_rounds.JUNE_NAME} (ปิดแล้ว รับทราบครบ): {made_june:,} คน")
        self.stdout.write(f"จำนวนนักเรียนย้อนหลัง {demo_history.YEARS_BACK} ปีการศึกษา: {made_history:,} รายการ")
        self.stdout.write("")
        self.stdout.write("Demo logins (ชื่อผู้ใช้ / username):")
        self.stdout.write("  admin        ผู้ดูแลระบบ (administrator)")
        self.stdout.write("  officer      กลุ่มนโยบายและแผน (planning officer)")
        self.stdout.write("  executive    ผู้บริหาร (executive)")
        self.stdout.write(f"  {staff}   ครูผู้รับผิดชอบข้อมูล (school staff), {first.full_name}")
        self.stdout.write(f"  {director}  ผู้อำนวยการโรงเรียน (school director), {first.full_name}")
        self.stdout.write("  …and staff<SMIS code> / director<SMIS code> for every school (64010001–64010130)")
        self.stdout.write(f"Password for all demo logins (รหัสผ่าน): {password}")
