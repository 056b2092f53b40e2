"""The Django admin in Thai with Buddhist-era dates, including the parts third-party apps put there.

Django renders a date in the admin through `display_for_field` / `display_for_value` with the
locale's DATE_FORMAT, which has no way to add 543 to the year: "10 พฤศจิกายน 2026". Those two
functions are the single place every changelist cell and read-only field goes through (ours and
django-axes' alike), so `install()` wraps them where the admin looks them up; Thai only, English
keeps Django's own rendering. Date inputs take and show day/month/BE year like the rest of the
portal, the permission lists read "เพิ่ม/แก้ไข/ลบ/ดู" instead of "Can add …", and django-axes'
records name themselves in Thai. The strings are in locale/th (edinfo/thirdparty_strings.py).
"""

import datetime

from django import forms
from django.apps import apps
from django.contrib.admin import helpers
from django.contrib.admin.templatetags import admin_list
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from import_export.forms import SelectableFieldsExportForm

from .forms import BuddhistDateField
from .thai import BE_OFFSET, format_date

ADMIN_DATE_ERRORS = {"invalid": _("Write the date as day/month/Buddhist-era year, e.g. 10/11/2569.")}
PERMISSION_ACTIONS = {"add": _("add"), "change": _("change"), "delete": _("delete"), "view": _("view")}


def thai_active():
    return (get_language() or "th").startswith("th")


def thai_date(value):
    """'10 พ.ย. 2569' for a date, '10 พ.ย. 2569 14:05 น.' for a moment (Bangkok time); None for other values."""
    if isinstance(value, datetime.datetime):
        return format_date(value, with_time=True)
    if isinstance(value, datetime.date):
        return format_date(value)
    return None


def _be_display(original):
    def display(value, *args, **kwargs):
        if thai_active():
            text = thai_date(value)
            if text is not None:
                return text
        return original(value, *args, **kwargs)

    display.__wrapped__ = original
    return display


class AdminBuddhistDateField(BuddhistDateField):
    widget = forms.TextInput(attrs={"placeholder": "วว/ดด/ปปปป (พ.ศ.)", "inputmode": "numeric", "size": 12})

    def __init__(self, *args, **kwargs):
        kwargs.pop("widget", None)  # the admin's calendar widget writes Christian-era ISO dates
        kwargs.setdefault("error_messages", ADMIN_DATE_ERRORS)
        super().__init__(*args, **kwargs)


class BuddhistDateInput(forms.TextInput):
    """Shows a date as 10/11/2569 (the admin's date widgets show 2026-11-10)."""

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return f"{value.day:02d}/{value.month:02d}/{value.year + BE_OFFSET}"
        return super().format_value(value)


class BuddhistSplitDateTimeWidget(forms.MultiWidget):
    def __init__(self, attrs=None):
        date = BuddhistDateInput(attrs={"placeholder": "วว/ดด/ปปปป (พ.ศ.)", "inputmode": "numeric", "size": 12})
        time = forms.TimeInput(format="%H:%M", attrs={"placeholder": "ชม.:นาที", "size": 6})
        super().__init__((date, time), attrs)

    def decompress(self, value):
        if value:
            value = timezone.localtime(value) if timezone.is_aware(value) else value
            return [value.date(), value.time().replace(second=0, microsecond=0)]
        return [None, None]


class AdminBuddhistDateTimeField(forms.SplitDateTimeField):
    """A moment typed as day/month/BE year and hh:mm, for the few editable date-times in the admin."""

    widget = BuddhistSplitDateTimeWidget

    def __init__(self, *args, **kwargs):
        kwargs.pop("widget", None)
        super().__init__(*args, **kwargs)
        date = AdminBuddhistDateField(required=False)
        self.fields = (date, self.fields[1])


def permission_label(permission):
    """'ทะเบียนโรงเรียน | โรงเรียน | แก้ไข' for Django's generated 'Can change school' (stored in English in
    the database); a permission of our own keeps its name."""
    content_type = permission.content_type
    model = content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is None or action not in PERMISSION_ACTIONS or model_name != content_type.model:
        return str(permission)
    app = apps.get_app_config(content_type.app_label).verbose_name
    return f"{app} | {model._meta.verbose_name} | {PERMISSION_ACTIONS[action]}"


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


def thai_permissions(model_admin_class):
    """A ModelAdmin whose permission lists (user_permissions, permissions) read in Thai."""
    original = model_admin_class.formfield_for_manytomany
    if getattr(original, "thai_permissions", False):
        return model_admin_class

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs.setdefault("form_class", PermissionChoiceField)
            kwargs.setdefault("queryset", db_field.remote_field.model.objects.select_related("content_type"))
        return original(self, db_field, request, **kwargs)

    formfield_for_manytomany.thai_permissions = True
    model_admin_class.formfield_for_manytomany = formfield_for_manytomany
    return model_admin_class


class ThaiExportForm(SelectableFieldsExportForm):
    """django-import-export's column chooser names each column by its English attribute ("Smis Code
    (รหัส SMIS 8 หลัก)"): name it by the file's Thai header, else the model field's Thai verbose name."""

    def _get_field_label(self, resource, field_name):
        field = resource().fields.get(field_name)
        if field is not None and field.column_name and field.column_name != field_name:
            return field.column_name
        try:
            return capfirst(resource._meta.model._meta.get_field(field_name).verbose_name)
        except Exception:  # noqa: BLE001 – a computed column has no model field: keep the library's label
            return super()._get_field_label(resource, field_name)


def _axes_in_thai():
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    def attempt(self):
        return f"ความพยายามเข้าระบบของ {self.username} เมื่อ {format_date(self.attempt_time, with_time=True)}"

    def failure(self):
        locked = " (ถูกระงับ)" if self.locked_out else ""
        return (f"เข้าระบบไม่สำเร็จ: {self.username}{locked} เมื่อ {format_date(self.attempt_time, with_time=True)}"
                f" จาก {self.ip_address}")

    def log(self):
        return f"บันทึกการเข้าระบบของ {self.username} เมื่อ {format_date(self.attempt_time, with_time=True)}"

    for model, thai in ((AccessAttempt, attempt), (AccessFailureLog, failure), (AccessLog, log)):
        if not hasattr(model.__str__, "__wrapped__"):
            model.__str__ = _thai_or(model.__str__, thai)


def _thai_or(original, thai):
    def text(self):
        return thai(self) if thai_active() else original(self)

    text.__wrapped__ = original
    return text


def install(site):
    """Called once from EdinfoConfig.ready(), after every app registered its admin."""
    for module in (admin_list, helpers):
        for name in ("display_for_field", "display_for_value"):
            current = getattr(module, name, None)
            if current is not None and not hasattr(current, "__wrapped__"):
                setattr(module, name, _be_display(current))
    for model_admin in site._registry.values():
        model_admin.formfield_overrides[models.DateField] = {"form_class": AdminBuddhistDateField}
        model_admin.formfield_overrides[models.DateTimeField] = {"form_class": AdminBuddhistDateTimeField}
        thai_permissions(type(model_admin))
        if getattr(model_admin, "export_form_class", None) is SelectableFieldsExportForm:
            model_admin.export_form_class = ThaiExportForm
    _axes_in_thai()
