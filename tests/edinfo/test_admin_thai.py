"""The admin in Thai with Buddhist-era dates, also where django-axes, django-import-export,
django-simple-history and the admin's JavaScript put their own words (edinfo/admin_thai.py)."""

import datetime
import html as html_module
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from collection.models import Round
from edinfo.models import AccessLog

pytestmark = [pytest.mark.django_db, pytest.mark.ignore_template_errors]  # Django's templates use optional vars

# English the admin used to show on Thai pages (each seen in the admin of the demo district).
ENGLISH = ["AXES", ">Axes<", "IMPORT", "EXPORT", "This importer will import", "This exporter will export",
           "Model name", "Add link", "Skip to main content", "Toggle theme", "Start typing to filter",
           "Select all objects on this page", "Show counts", "Can add", "Can change", "Smis Code",
           "Attempt Time", "Access Log for", "Breadcrumbs", "Yes, I’m sure", "doesn’t have a change history"]
CE_YEAR = re.compile(r"(?<![\d-])20[2-3]\d(?![\d-])")


def visible(response):
    """The page's text as a person reads it (no scripts, no tags, no attribute values)."""
    html = response.content.decode()
    html = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", " ", html)
    return html_module.unescape(re.sub(r"<[^>]+>", " ", html))


def no_english(text):
    return [word for word in ENGLISH if word in text]


@pytest.fixture
def rounds(db):
    return [
        Round.objects.create(academic_year=2569, kind="nov10", census_day=datetime.date(2026, 11, 10),
                             name="10 พฤศจิกายน 2569", opens_on=datetime.date(2026, 10, 26),
                             closes_on=datetime.date(2026, 11, 30), state=Round.State.OPEN),
        Round.objects.create(academic_year=2569, kind="jun10", census_day=datetime.date(2026, 6, 10),
                             name="10 มิถุนายน 2569", state=Round.State.CLOSED),
    ]


def test_the_admin_index_names_every_app_in_thai(as_user, admin_user):
    text = visible(as_user(admin_user).get(reverse("admin:index")))
    assert "การเข้าสู่ระบบ (ป้องกันการเดารหัสผ่าน)" in text and "ความพยายามเข้าระบบ" in text
    assert "ข้ามไปยังเนื้อหาหลัก" in text
    assert no_english(text) == []


def test_round_dates_read_in_the_buddhist_era_in_the_list_and_the_form(as_user, admin_user, rounds):
    client = as_user(admin_user)
    listing = visible(client.get(reverse("admin:collection_round_changelist")))
    assert "10 พ.ย. 2569" in listing and "30 พ.ย. 2569" in listing and "10 มิ.ย. 2569" in listing
    assert CE_YEAR.findall(listing) == [] and no_english(listing) == []
    # The date hierarchy over the census day names the year in BE too.
    months = visible(client.get(reverse("admin:collection_round_changelist") + "?census_day__year=2026"))
    assert "พฤศจิกายน 2569" in months and "มิถุนายน 2569" in months and "2026" not in months
    form = client.get(reverse("admin:collection_round_change", args=[rounds[0].pk])).content.decode()
    assert 'name="census_day" value="10/11/2569"' in form and 'name="closes_on" value="30/11/2569"' in form


def test_a_date_typed_in_the_buddhist_era_is_saved_as_that_day(as_user, admin_user, rounds):
    nov = rounds[0]
    response = as_user(admin_user).post(reverse("admin:collection_round_change", args=[nov.pk]), {
        "academic_year": 2569, "kind": "nov10", "census_day": "10/11/2569", "name": nov.name,
        "opens_on": "26/10/2569", "closes_on": "๗/๑๒/๒๕๖๙", "collects_school_info": "on", "collects_students": "on",
        "notes": "",
    })
    assert response.status_code == 302, visible(response)[:2000]
    nov.refresh_from_db()
    assert nov.closes_on == datetime.date(2026, 12, 7)
    refused = as_user(admin_user).post(reverse("admin:collection_round_change", args=[nov.pk]), {
        "academic_year": 2569, "kind": "nov10", "census_day": "10/11/2569", "name": nov.name,
        "closes_on": "2026-12-31", "collects_school_info": "on", "collects_students": "on", "notes": "",
    })
    assert refused.status_code == 200 and "10/11/2569" in visible(refused)
    nov.refresh_from_db()
    assert nov.closes_on == datetime.date(2026, 12, 7)  # nothing changed


def test_logs_and_login_attempts_show_thai_dates_and_thai_columns(as_user, admin_user, client, staff):
    client.post(reverse("login"), {"username": staff.username, "password": "wrong-password"})
    AccessLog.objects.create(user=admin_user, username=admin_user.username, action="view", what="ทดสอบ")
    admin = as_user(admin_user)
    attempts = visible(admin.get(reverse("admin:axes_accessattempt_changelist")))
    assert "เวลาที่พยายามเข้าระบบ" in attempts and "หมายเลข IP" in attempts
    today = timezone.localdate()
    thai_today = f"{today.day} "
    assert thai_today in attempts and str(today.year + 543) in attempts and CE_YEAR.findall(attempts) == []
    assert no_english(attempts) == []
    log = visible(admin.get(reverse("admin:edinfo_accesslog_changelist")))
    assert str(today.year + 543) in log and CE_YEAR.findall(log) == []


def test_a_login_record_names_itself_in_thai(as_user, admin_user, client, staff):
    from axes.models import AccessAttempt

    client.post(reverse("login"), {"username": staff.username, "password": "wrong-password"})
    attempt = AccessAttempt.objects.get()
    page = visible(as_user(admin_user).get(reverse("admin:axes_accessattempt_change", args=[attempt.pk])))
    assert f"ความพยายามเข้าระบบของ {staff.username} เมื่อ" in page and "Attempted Access" not in page


def test_school_import_and_export_pages_are_in_thai(as_user, admin_user, school):
    admin = as_user(admin_user)
    imports = visible(admin.get(reverse("admin:schools_school_import")))
    assert "คอลัมน์ที่จะนำเข้า" in imports and "ไฟล์ที่จะนำเข้า" in imports and "รหัส SMIS 8 หลัก" in imports
    assert no_english(imports) == []
    exports = visible(admin.get(reverse("admin:schools_school_export")))
    assert "รหัส SMIS 8 หลัก" in exports and "เลือกทั้งหมด" in exports
    assert no_english(exports) == []
    listing = visible(admin.get(reverse("admin:schools_school_changelist")))
    assert "นำเข้า" in listing and "ส่งออก" in listing and no_english(listing) == []


def test_change_history_reads_in_the_buddhist_era(as_user, admin_user, school):
    admin = as_user(admin_user)
    admin.post(reverse("admin:schools_school_change", args=[school.pk]), {}, follow=True)  # whatever happens
    page = visible(admin.get(reverse("admin:schools_school_history", args=[school.pk])))
    assert "ประวัติ" in page
    assert CE_YEAR.findall(page) == [] and no_english(page) == []


def test_permissions_are_listed_in_thai(as_user, admin_user):
    page = visible(as_user(admin_user).get(reverse("admin:auth_group_add")))
    assert "ทะเบียนโรงเรียน | โรงเรียน | เพิ่ม" in page
    assert "Can add" not in page and "Can view" not in page
    assert Group.objects.count() == 0


def test_a_user_page_shows_last_login_in_the_buddhist_era(as_user, admin_user):
    admin = as_user(admin_user)
    page = visible(admin.get(reverse("admin:edinfo_user_change", args=[admin_user.pk])))
    assert str(timezone.localdate().year + 543) in page and CE_YEAR.findall(page) == []


def test_the_admin_javascript_catalogue_is_thai(as_user, admin_user):
    script = as_user(admin_user).get(reverse("admin:jsi18n")).content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1))
    assert catalog["%(sel)s of %(cnt)s selected"] == ["เลือกแล้ว %(sel)s จาก %(cnt)s รายการ"]  # one plural form in Thai
    assert catalog["Choose all %s"] == "เลือก%sทั้งหมด"
