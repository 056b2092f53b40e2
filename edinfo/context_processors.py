from django.conf import settings

from edinfo.access import roles_of


def portal(request):
    user = getattr(request, "user", None)
    return {
        "office_name": settings.EDINFO_OFFICE_NAME,
        "user_roles": roles_of(user) if user is not None else set(),
    }
