"""Every page declares who may open it, and every role gets the answer its rule promises.

The walker reads the URL configuration itself, so a new page is checked the day it is added.
Django's admin (the `admin` namespace) is left out: it guards itself with is_staff.
"""

import re

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from collection.models import Round
from edinfo import access
from tests.reports.fixtures import published_round
from tests.students.factories import RoundFactory

ROLES = ["anonymous", "staff", "director", "outsider", "officer", "executive", "admin_user"]
# Statuses of a page that let the user in: shown, redirected on (not to the login page),
# or "use POST" for a POST-only page.
ALLOWED = {200, 302, 405}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if not isinstance(pattern.pattern, RoutePattern):
            raise AssertionError(f"{prefix}{pattern.pattern}: the walker only reads path() routes; extend it")
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


PAGES = list(_walk(get_resolver("edinfo.urls").url_patterns))


def rule_of(view):
    """The access rule a view declared, looking through class-based views and decorators."""
    while view is not None:
        for candidate in (view, getattr(view, "view_class", None)):
            rule = getattr(candidate, "access_rule", None)
            if rule is not None:
                return rule
        view = getattr(view, "__wrapped__", None)
    return None


@pytest.fixture
def url_kwargs(school):
    """A value for every URL keyword, naming objects that exist: the fixture school and an open
    collection round. A new keyword needs a value here (the walker fails and says so)."""
    return {"smis_code": school.smis_code, "round_id": RoundFactory(state=Round.State.OPEN).pk,
            "name": "students", "published_round_id": published_round(school).pk}


def fill(route, kwargs):
    def value(match):
        name = match.group(1)
        assert name in kwargs, f"/{route}: add a test value for the URL keyword {name!r} to url_kwargs"
        return str(kwargs[name])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, route)


def test_walker_sees_the_pages_we_know():
    names = {pattern.name for _, pattern in PAGES}
    assert {"home", "login", "logout", "set_language", "healthz", "list", "detail", "edit"} <= names


def test_every_view_declares_an_access_rule():
    missing = [f"/{route} ({pattern.lookup_str})" for route, pattern in PAGES if rule_of(pattern.callback) is None]
    assert not missing, "views without an edinfo.access decorator: " + ", ".join(missing)


def test_rules_are_ones_the_walker_understands():
    for route, pattern in PAGES:
        rule = rule_of(pattern.callback)
        assert rule in ("public", "any", "school") or (rule[0] == "roles" and rule[1]), f"/{route}: {rule!r}"


def _is_login_redirect(response):
    login_url = resolve_url(settings.LOGIN_URL)
    return response.status_code == 302 and response["Location"].startswith(login_url + "?next=")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route,pattern", PAGES, ids=[route or "/" for route, _ in PAGES])
def test_each_role_gets_what_the_rule_promises(request, client, as_user, url_kwargs, other_school, role, route, pattern):
    url = fill(route, url_kwargs)
    rule = rule_of(pattern.callback)
    assert rule is not None, f"{url} declares no access rule"
    if role == "anonymous":
        response = client.get(url)
        if rule == "public":
            assert response.status_code in ALLOWED and not _is_login_redirect(response), url
        else:
            assert _is_login_redirect(response), f"{url} must send anonymous visitors to the login page"
        return

    user = request.getfixturevalue(role)
    response = as_user(user).get(url)
    status = response.status_code
    let_in = status in ALLOWED and not _is_login_redirect(response)
    if rule in ("public", "any"):
        assert let_in, f"{role} got {status} on {url}"
    elif rule == "school":
        if role == "outsider":
            # 405 (GET on a POST-only page) comes before any school is looked up, so reveals nothing.
            assert status in (404, 405), f"an outsider must not learn that {url} exists (got {status})"
        else:
            # A role too low for this page of a school it can see gets 403.
            assert let_in or status == 403, f"{role} got {status} on {url}"
    else:
        allowed_roles = set(rule[1])
        if access.roles_of(user) & allowed_roles:
            assert let_in or status == 404, f"{role} holds one of {allowed_roles} but got {status} on {url}"
        else:
            assert status == 403, f"{role} lacks {allowed_roles} but got {status} on {url}"
