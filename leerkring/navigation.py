"""Where a form sends the person afterwards: back to the page they came from, if it is ours."""

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_back(request: HttpRequest, *default_args, **default_kwargs) -> HttpResponseRedirect:
    """Redirect to the form's `next` (a path on this site only), else to the default given as
    for `redirect()`. A dashboard task done on another page returns to the dashboard this way."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    is_local_path = target.startswith("/") and not target.startswith("//")
    if is_local_path and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(*default_args, **default_kwargs)
