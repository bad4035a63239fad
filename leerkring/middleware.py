from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.template import loader
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers


class DutchFirstLocaleMiddleware:
    """Activate the language the person chose with the switcher, and Dutch otherwise.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: the platform is
    Dutch first, and an English-language browser on a municipal laptop should not change that.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class RejectNulMiddleware:
    """Answer 400 to a request with a NUL character in its path, query, form fields or cookies.

    PostgreSQL cannot store NUL in text, and the driver raises on one: without this, a `%00` in
    an address or a field becomes a 500 (and a traceback in the log) wherever the value reaches a
    query. No person types a NUL, so refusing the whole request loses nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._carries_nul(request):
            return bad_request_page()
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request) -> bool:
        if "\x00" in request.path or "\x00" in request.path_info:
            return True
        texts = [text for pair in request.COOKIES.items() for text in pair]
        forms = [request.GET]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            forms.append(request.POST)
        for form in forms:
            for key, values in form.lists():
                texts.append(key)
                texts.extend(values)
        return any("\x00" in text for text in texts)


def bad_request_page() -> HttpResponseBadRequest:
    """Our 400 page, rendered like the 500 page: without a request context, so nothing of the
    refused request (its path, say) ends up in the page."""
    return HttpResponseBadRequest(loader.get_template("400.html").render())


class PrivateCacheMiddleware:
    """Keep pages meant for one person out of shared and browser caches.

    A response to a logged-in person shows their circles, names, e-mail addresses: a proxy or
    the back button on a shared municipal computer must not serve it to the next person. This
    is merged into whatever a view set (a "public" gives way to "private").
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_private_no_store(response)
        return response


def add_private_no_store(response: HttpResponse) -> HttpResponse:
    """Cache-Control for anything personal: never stored, by a proxy or by the browser."""
    patch_cache_control(response, private=True, no_store=True)
    return response
