from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ThaiFirstLocaleMiddleware(LocaleMiddleware):
    """Thai unless the user chose another language with the switch (the set_language cookie).

    The browser's Accept-Language is ignored: office PCs in Thailand often run an English
    Windows and Chrome, which would otherwise turn the portal English for people who read Thai.
    """

    def process_request(self, request):
        language = settings.LANGUAGE_CODE
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            try:
                language = translation.get_supported_language_variant(chosen)
            except LookupError:
                pass
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
