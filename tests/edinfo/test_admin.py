"""The Django admin: in Thai, schools import/export, history, and the read-only access log."""

import pytest
from django.urls import reverse

from edinfo.models import AccessLog

pytestmark = pytest.mark.ignore_template_errors  # Django's own admin templates use optional variables


def test_admin_index_is_in_thai(as_user, admin_user):
    response = as_user(admin_user).get(reverse("admin:index"))
    assert response.status_code == 200
    assert 'lang="th"' in response.content.decode()


def test_officers_without_staff_flag_cannot_open_the_admin(as_user, officer):
    response = as_user(officer).get(reverse("admin:index"))
    assert response.status_code == 302


def test_school_export_from_the_admin_has_thai_headers(as_user, admin_user, school):
    client = as_user(admin_user)
    response = client.post(
        reverse("admin:schools_school_export"),
        {"format": "0", "resource": "0", "export_items": [school.pk], **_all_fields()},
    )
    assert response.status_code == 200, response.content[:500]
    text = response.content.decode("utf-8-sig")
    assert "รหัส SMIS 8 หลัก" in text.splitlines()[0]
    assert school.smis_code in text


def _all_fields():
    from schools.resources import COLUMNS

    return {f"schoolresource_{attribute}": "on" for attribute, _ in COLUMNS}


def test_school_history_page_lists_changes(as_user, admin_user, school):
    school.phone = "055-611111"
    school.save()
    response = as_user(admin_user).get(reverse("admin:schools_school_history", args=[school.pk]))
    assert response.status_code == 200
    assert school.history.count() == 2


def test_access_log_cannot_be_edited_in_the_admin(as_user, admin_user):
    entry = AccessLog.objects.create(username="x", action=AccessLog.Action.VIEW, what="record 1")
    client = as_user(admin_user)
    assert client.get(reverse("admin:edinfo_accesslog_changelist")).status_code == 200
    response = client.post(reverse("admin:edinfo_accesslog_change", args=[entry.pk]), {"what": "changed"})
    entry.refresh_from_db()
    assert entry.what == "record 1"
    assert response.status_code in (403, 200)


@pytest.mark.parametrize("model, fields, sheet", [
    ("school", _all_fields, "โรงเรียน"),
    ("cluster", None, "กลุ่มเครือข่ายสถานศึกษา"),
])
def test_workbooks_exported_from_the_admin_name_their_sheet_in_thai(as_user, admin_user, school, model, fields, sheet):
    import io

    import openpyxl
    from django.contrib.admin.sites import site

    from schools.models import Cluster, School

    model_admin = site._registry[{"school": School, "cluster": Cluster}[model]]
    xlsx = next(i for i, f in enumerate(model_admin.get_export_formats()) if f().get_title() == "xlsx")
    pk = school.pk if model == "school" else school.cluster_id
    data = {"format": str(xlsx), "resource": "0", "export_items": [pk]}
    if fields:
        data.update(fields())
    else:
        resource = model_admin.get_export_resource_classes(None)[0]
        data.update({f"{resource.__name__.lower()}_{name}": "on" for name in resource().fields})
    response = as_user(admin_user).post(reverse(f"admin:schools_{model}_export"), data)
    assert response.status_code == 200, response.content[:500]
    assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames == [sheet]
