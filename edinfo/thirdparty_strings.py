"""Thai for strings that other libraries show inside our pages but do not translate themselves.

Django's Thai catalogue leaves the password-rule texts empty, and django-simple-history ships no
Thai at all, so a Thai page showed "Created" or "This password is too common." in English. Listing
the msgids here puts them in our own catalogue (locale/th), which Django consults first. Nothing
calls these: the markers are for `makemessages` only. The msgids must match the libraries'
sources character for character (note the typographic apostrophes).
"""

from django.utils.translation import gettext_noop, ngettext_lazy

STRINGS = [
    # django-simple-history: the kinds of change on a record's history
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    # django.contrib.auth.password_validation
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be entirely numeric."),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
]
