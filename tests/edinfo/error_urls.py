"""The portal's URLs plus two views that fail, for the production error-page tests."""

from django.core.exceptions import SuspiciousOperation
from django.urls import path

from edinfo import access
from edinfo.urls import urlpatterns as portal


@access.public
def broken(request):
    raise RuntimeError("a bug in a view")


@access.public
def tampered(request):
    raise SuspiciousOperation("a tampered request")


urlpatterns = [*portal, path("test-broken/", broken), path("test-tampered/", tampered)]
