"""Who may do what: the one place views ask.

Every view declares its rule with one of the decorators below; a test walks the URL
configuration and fails for any view without one. Outsiders (a school that is not yours)
get 404, so the existence of other schools' pages is not revealed; a role that is too low
for a page it can otherwise see gets 403.
"""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

STAFF = "staff"
DIRECTOR = "director"
OFFICER = "officer"
EXECUTIVE = "executive"
ADMIN = "admin"
ALL_ROLES = (STAFF, DIRECTOR, OFFICER, EXECUTIVE, ADMIN)
SCHOOL_ROLES = (STAFF, DIRECTOR)
OFFICE_ROLES = (OFFICER, ADMIN)


def roles_of(user):
    """Every role a user holds, office-wide and at any school."""
    if not user.is_authenticated:
        return set()
    roles = set()
    if user.is_admin:
        roles |= {ADMIN, OFFICER}
    elif user.is_officer:
        roles.add(OFFICER)
    if user.is_executive:
        roles.add(EXECUTIVE)
    roles |= set(user.memberships.values_list("role", flat=True))
    return roles


def school_roles_of(user, school):
    """Roles a user holds for this school: office roles apply to every school."""
    roles = roles_of(user) - set(SCHOOL_ROLES)
    roles |= {m.role for m in user.memberships.all() if m.school_id == school.pk}
    return roles


def public(view):
    """No login needed. Only for pages meant for anyone (login, published figures)."""
    view = login_not_required(view)
    view.access_rule = "public"
    return view


def any_role(view):
    """Any logged-in user; the view itself scopes what it shows."""
    view.access_rule = "any"
    return view


def require_roles(*allowed):
    """Logged-in users holding one of the roles; others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not roles_of(request.user) & set(allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.access_rule = ("roles", allowed)
        return wrapper

    return decorator


def school_view(view):
    """A page about one school: the view calls get_school_for() to scope and check it."""
    view.access_rule = "school"
    return view


def get_school_for(user, queryset, roles=None, **lookup):
    """The school matching lookup if the user may see it (else 404), and if one of
    `roles` applies to the user at that school (else 403)."""
    try:
        school = queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
    if roles is not None and not school_roles_of(user, school) & set(roles):
        raise PermissionDenied
    return school
