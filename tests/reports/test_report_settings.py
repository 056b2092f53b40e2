"""A report's own settings (the small-school distance) as the page shows them, and Thai digits in every line."""

import pytest
from django.urls import reverse

from reports import catalogue
from reports.views import report_context
from tests.reports.test_selectors import build_world


@pytest.fixture
def world(db):
    return build_world()


def page(client, **query):
    return client.get(reverse("reports:report", kwargs={"name": "small-schools"}), query)


def test_the_distance_box_shows_the_distance_in_force(as_user, officer, world):
    client = as_user(officer)
    assert page(client).context["params"][0][1] == "6"  # the default, not an empty box
    assert page(client, distance="2.5").context["params"][0][1] == "2.5"
    response = page(client, distance="1000")
    assert response.context["params"][0][1] == "6"  # what the report used, not what was typed
    html = response.content.decode()
    assert 'data-testid="report-warning"' in html and "1000" in html


def test_thai_digits_reach_the_notes_and_the_chart(world):
    report = catalogue.build("small-schools", world.nov, distance="3")
    context = report_context(report, digits="th")
    assert context["notes"] and not any(ch.isdigit() and ch.isascii() for note in context["notes"] for ch in note)
    chart = str(context["chart"])
    labels = [part for part in chart.split(">") if "กม." in part]
    assert labels and not any(ch in "0123456789" for label in labels for ch in label.split("<")[0])
