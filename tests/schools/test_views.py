"""The school registry pages: list (scoped and filtered), detail, and the office's edit form."""

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from schools.forms import SchoolForm
from schools.models import Membership, School, smis_code_validator
from tests.factories import ClusterFactory, DistrictFactory, SchoolFactory, SubdistrictFactory, UserFactory

LIST = reverse("schools:list")


def detail_url(school):
    return reverse("schools:detail", args=[school.smis_code])


def edit_url(school):
    return reverse("schools:edit", args=[school.smis_code])


def listed(client, **params):
    """Names of the schools the list page shows for these filters."""
    response = client.get(LIST, params)
    assert response.status_code == 200
    names = [school.name for school, _size in response.context["rows"]]
    page = response.content.decode()
    for name in names:
        assert f">{name}</a>" in page
    return set(names)


@pytest.fixture
def registry(school, other_school):
    """Besides the two standing schools (อำเภอเมือง, cluster 011, อ.1–ป.6, 100 students, open):
    schools in another amphoe and cluster, of other sizes and levels, one of them closed."""
    khirimat = SubdistrictFactory(code="640301", name_th="ศรีคีรีมาศ", district=DistrictFactory(code="6403"))
    cluster_2 = ClusterFactory(code="031", name="กลุ่มเครือข่ายคีรีมาศ 1")
    return {
        "large": SchoolFactory(
            name="วัดป่าแดง", subdistrict=khirimat, cluster=cluster_2, lowest_level="K1", highest_level="M3",
            student_count=700,
        ),
        "medium": SchoolFactory(
            name="บ้านหนองบัว", subdistrict=khirimat, cluster=cluster_2, lowest_level="P1", highest_level="P6",
            student_count=300,
        ),
        "closed": SchoolFactory(name="บ้านท่าช้าง", student_count=15, is_open=False),
        "cluster_2": cluster_2,
    }


ALL = {"บ้านทดสอบ", "บ้านคนอื่น", "วัดป่าแดง", "บ้านหนองบัว", "บ้านท่าช้าง"}


# -- list ------------------------------------------------------------------------------------


def test_list_anonymous_is_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("role", ["staff", "director"])
def test_school_users_list_only_their_school(request, as_user, registry, role):
    client = as_user(request.getfixturevalue(role))
    assert listed(client) == {"บ้านทดสอบ"}
    # Filters cannot reach past the scope either.
    assert listed(client, q="บ้านคนอื่น") == set()
    assert listed(client, q="64010002") == set()


@pytest.mark.parametrize("role", ["officer", "admin_user", "executive"])
def test_office_lists_every_school(request, as_user, registry, role):
    assert listed(as_user(request.getfixturevalue(role))) == ALL


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"q": "หนอง"}, {"บ้านหนองบัว"}),
        ({"q": "  ป่าแดง "}, {"วัดป่าแดง"}),
        ({"q": "64010002"}, {"บ้านคนอื่น"}),  # SMIS code
        ({"q": "1064010001"}, {"บ้านทดสอบ"}),  # OBEC code
        ({"q": "640100"}, {"บ้านทดสอบ", "บ้านคนอื่น"}),  # a code's beginning
        ({"q": "ไม่มีโรงเรียนนี้"}, set()),
        ({"district": "6403"}, {"วัดป่าแดง", "บ้านหนองบัว"}),
        ({"district": "6401"}, {"บ้านทดสอบ", "บ้านคนอื่น", "บ้านท่าช้าง"}),
        ({"size": "small"}, {"บ้านทดสอบ", "บ้านคนอื่น", "บ้านท่าช้าง"}),
        ({"size": "medium"}, {"บ้านหนองบัว"}),
        ({"size": "large"}, {"วัดป่าแดง"}),
        ({"size": "xlarge"}, set()),
        ({"level": "M1"}, {"วัดป่าแดง"}),  # only อ.1–ม.3 schools teach ม.1
        ({"level": "K2"}, {"บ้านทดสอบ", "บ้านคนอื่น", "บ้านท่าช้าง", "วัดป่าแดง"}),  # not the ป.1–ป.6 school
        ({"level": "P6"}, ALL),
        ({"status": "closed"}, {"บ้านท่าช้าง"}),
        ({"status": "open"}, ALL - {"บ้านท่าช้าง"}),
        ({"district": "6403", "level": "P1"}, {"วัดป่าแดง", "บ้านหนองบัว"}),
        ({"district": "6403", "size": "medium"}, {"บ้านหนองบัว"}),
    ],
)
def test_list_filters_narrow_the_list(as_user, officer, registry, params, expected):
    assert listed(as_user(officer), **params) == expected


def test_list_filter_by_cluster(as_user, officer, registry):
    assert listed(as_user(officer), cluster=registry["cluster_2"].pk) == {"วัดป่าแดง", "บ้านหนองบัว"}


def test_list_ignores_a_filter_it_cannot_read(as_user, officer, registry):
    response = as_user(officer).get(LIST, {"size": "gigantic", "level": "Z9"})
    assert response.context["filter"].form.errors
    assert {school.name for school, _size in response.context["rows"]} == ALL


def test_list_shows_size_band_and_levels(as_user, officer, registry):
    page = as_user(officer).get(LIST, {"q": "ป่าแดง"}).content.decode()
    assert "ขนาดใหญ่" in page
    assert "อ.1–ม.3" in page


def test_list_pages_by_fifty_and_keeps_the_filter(as_user, officer, school):
    SchoolFactory.create_batch(55, name="บ้านเลขที่")
    client = as_user(officer)
    first = client.get(LIST, {"q": "เลขที่"})
    assert len(first.context["rows"]) == 50
    assert "?q=%E0%B9%80" in first.content.decode()  # the next-page link keeps the search
    second = client.get(LIST, {"q": "เลขที่", "page": 2})
    assert len(second.context["rows"]) == 5


def test_list_queries_do_not_grow_with_rows(as_user, officer, registry, django_assert_max_num_queries):
    client = as_user(officer)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    assert len(few) <= 12
    for number in range(40):
        SchoolFactory(subdistrict=registry["large"].subdistrict, cluster=registry["cluster_2"], student_count=number)
    with django_assert_max_num_queries(len(few)):
        response = client.get(LIST)
    assert len(response.context["rows"]) == 45


# -- detail ----------------------------------------------------------------------------------


def test_detail_anonymous_is_sent_to_login(client, school):
    response = client.get(detail_url(school))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.fixture
def colleague(school):
    """Another staff account at the school, to look for in the users list."""
    user = UserFactory(username="kru_somying", first_name="สมหญิง", last_name="ขยันดี")
    Membership.objects.create(user=user, school=school, role=Membership.Role.STAFF)
    return user


@pytest.mark.parametrize("role", ["staff", "director", "executive"])
def test_detail_shows_the_school_without_office_tools(request, as_user, school, colleague, role):
    response = as_user(request.getfixturevalue(role)).get(detail_url(school))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="school-name">โรงเรียนบ้านทดสอบ<' in page
    assert "64010001" in page and "1064010001" in page
    assert "อ.1–ป.6" in page
    assert edit_url(school) not in page
    # School users' accounts are listed for the office only.
    assert "kru_somying" not in page and "สมหญิง" not in page


@pytest.mark.parametrize("role", ["officer", "admin_user"])
def test_detail_for_the_office_has_edit_link_and_users(request, as_user, school, colleague, director, role):
    page = as_user(request.getfixturevalue(role)).get(detail_url(school)).content.decode()
    assert edit_url(school) in page
    assert "kru_somying" in page and "สมหญิง ขยันดี" in page and "director1" in page


def test_detail_of_another_school_is_404(as_user, school, outsider):
    assert as_user(outsider).get(detail_url(school)).status_code == 404


def test_detail_of_unknown_code_is_404(as_user, officer):
    assert as_user(officer).get(reverse("schools:detail", args=["99999999"])).status_code == 404


# -- edit ------------------------------------------------------------------------------------


def form_data(school, **changes):
    data = model_to_dict(school, fields=SchoolForm.Meta.fields)
    data = {key: "" if value is None else value for key, value in data.items()}
    data["is_open"] = "on" if data["is_open"] else ""
    data.update(changes)
    return data


def test_edit_anonymous_is_sent_to_login(client, school):
    response = client.get(edit_url(school))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["officer", "admin_user"])
def test_edit_form_opens_for_the_office(request, as_user, school, role):
    response = as_user(request.getfixturevalue(role)).get(edit_url(school))
    assert response.status_code == 200
    assert response.context["form"].instance == school
    assert 'value="64010001"' in response.content.decode()


@pytest.mark.parametrize("role", ["staff", "director", "executive"])
def test_edit_is_403_for_roles_too_low(request, as_user, school, role):
    client = as_user(request.getfixturevalue(role))
    assert client.get(edit_url(school)).status_code == 403
    assert client.post(edit_url(school), form_data(school, phone="099-9999999")).status_code == 403
    school.refresh_from_db()
    assert school.phone == ""


def test_edit_of_another_school_is_404(as_user, school, outsider):
    client = as_user(outsider)
    assert client.get(edit_url(school)).status_code == 404
    assert client.post(edit_url(school), form_data(school, name="ยึดแล้ว")).status_code == 404
    school.refresh_from_db()
    assert school.name == "บ้านทดสอบ"


def test_officer_saves_the_school(as_user, school, officer):
    client = as_user(officer)
    response = client.post(
        edit_url(school),
        form_data(school, phone="055-611234", director_name="ประเสริฐ ใจดี", latitude="17.01", longitude="99.82"),
        follow=True,
    )
    assert response.redirect_chain == [(detail_url(school), 302)]
    school.refresh_from_db()
    assert school.phone == "055-611234"
    assert school.director_name == "ประเสริฐ ใจดี"
    page = response.content.decode()
    assert "055-611234" in page
    assert 'class="alert alert-success"' in page
    assert school.history.latest().history_user == officer


def test_officer_changing_the_smis_code_lands_on_the_new_address(as_user, school, officer):
    response = as_user(officer).post(edit_url(school), form_data(school, smis_code="64010099"))
    assert response.status_code == 302
    assert response["Location"] == reverse("schools:detail", args=["64010099"])
    assert School.objects.filter(smis_code="64010099", name="บ้านทดสอบ").exists()


@pytest.mark.parametrize("bad_code", ["6401", "6401000A"])
def test_bad_smis_code_shows_the_error_and_saves_nothing(as_user, school, officer, bad_code):
    response = as_user(officer).post(edit_url(school), form_data(school, smis_code=bad_code, phone="055-611234"))
    assert response.status_code == 200
    assert "smis_code" in response.context["form"].errors
    with translation.override("th"):
        message = str(smis_code_validator.message)
    page = response.content.decode()
    assert 'lang="th"' in page
    assert escape(message) in page
    assert 'class="alert alert-danger"' in page
    school.refresh_from_db()
    assert school.smis_code == "64010001"
    assert school.phone == ""


def test_smis_code_of_another_school_is_refused(as_user, school, other_school, officer):
    response = as_user(officer).post(edit_url(school), form_data(school, smis_code=other_school.smis_code))
    assert response.status_code == 200
    assert "smis_code" in response.context["form"].errors
    assert School.objects.get(pk=school.pk).smis_code == "64010001"


def test_levels_out_of_order_are_refused(as_user, school, officer):
    response = as_user(officer).post(edit_url(school), form_data(school, lowest_level="M3", highest_level="P1"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    school.refresh_from_db()
    assert (school.lowest_level, school.highest_level) == ("K1", "P6")
