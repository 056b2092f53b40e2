"""Error pages as a production server shows them (DEBUG off): Thai, a way home, the right status,
and no dependence on the request or the database for the ones Django renders without them."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.edinfo.error_urls")]

PRODUCTION = override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"])


@pytest.fixture
def anonymous():
    client = Client(raise_request_exception=False)
    return client


@PRODUCTION
def test_an_unknown_address_is_a_thai_404_with_a_way_home(anonymous):
    response = anonymous.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="error-404"' in html and "ไม่พบหน้านี้" in html and 'lang="th"' in html
    assert reverse("home") in html and "Page not found" not in html


@PRODUCTION
def test_a_page_not_for_the_role_is_a_thai_403(as_user, executive, school):
    response = as_user(executive).get(reverse("schools:edit", args=[school.smis_code]))
    assert response.status_code == 403
    assert "หน้านี้ไม่ได้เปิดให้บทบาทของคุณ" in response.content.decode()


@PRODUCTION
def test_a_server_error_is_a_thai_500_that_needs_nothing_from_the_request(anonymous):
    response = anonymous.get("/test-broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert 'data-testid="error-500"' in html and "ขออภัย ระบบขัดข้องชั่วคราว" in html
    assert "ข้อมูลที่บันทึกไว้ก่อนหน้านี้ไม่สูญหาย" in html and 'href="/"' in html
    assert "Server Error (500)" not in html and "RuntimeError" not in html  # no traceback to the public


@PRODUCTION
def test_a_bad_request_is_a_thai_400(anonymous):
    response = anonymous.get("/test-tampered/")
    assert response.status_code == 400
    assert "คำขอไม่ถูกต้อง" in response.content.decode()


@PRODUCTION
def test_a_form_refused_by_the_csrf_check_explains_itself_in_thai():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="error-csrf"' in html and "ส่งแบบฟอร์มไม่สำเร็จ" in html
    assert "ยังไม่มีการบันทึกสิ่งที่ส่งมา" in html and "CSRF verification failed" not in html
