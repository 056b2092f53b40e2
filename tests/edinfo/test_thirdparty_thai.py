"""Strings other libraries put on our pages read in Thai too (our catalogue fills their gaps)."""

from django.urls import reverse

from tests.students.test_views import make_record, round_, url  # noqa: F401  (round_ is a fixture)


def test_password_rules_on_the_password_page_are_in_thai(as_user, staff):
    page = as_user(staff).get(reverse("password_change")).content.decode()
    assert "Your password" not in page
    assert "รหัสผ่านต้องมีอย่างน้อย 10 ตัวอักษร" in page


def test_a_refused_password_is_explained_in_thai(as_user, staff):
    staff.set_password("a-Long-enough-pass-2569")
    staff.save()
    response = as_user(staff).post(
        reverse("password_change"), {"old_password": "a-Long-enough-pass-2569", "new_password1": "12345678", "new_password2": "12345678"}
    )
    errors = " ".join(response.context["form"].errors.get("new_password2", []))
    assert "รหัสผ่านนี้เป็นตัวเลขทั้งหมด" in errors and "numeric" not in errors


def test_record_history_names_the_kind_of_change_in_thai(as_user, staff, school, round_):  # noqa: F811
    record = make_record(school, round_)
    page = as_user(staff).get(url("detail", school, None, record.pk)).content.decode()
    assert "สร้างรายการ" in page and "Created" not in page
