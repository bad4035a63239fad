"""A URLconf with one view that fails, to see the 500 page as a person would."""

from django.urls import include, path


def crash(request):
    raise RuntimeError("deliberate failure for the 500 page test")


urlpatterns = [path("crash/", crash), path("", include("leerkring.urls"))]
