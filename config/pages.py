"""The site's own pages, linked from the footer: about, terms, privacy, how experts are vetted.

Plain templates under templates/pages/, the same for every visitor (page-cached).
The contact form lives in accounts.views_contact.
"""

from django.conf import settings
from django.shortcuts import render

from .pagecache import anonymous_cache

PAGES = {
    "about": "pages/about.html",
    "terms": "pages/terms.html",
    "privacy": "pages/privacy.html",
    "vetting": "pages/vetting.html",
}


def page(name):
    template = PAGES[name]

    @anonymous_cache
    def view(request):
        return render(
            request,
            template,
            {
                "question_expiry_days": settings.QUESTION_EXPIRY_DAYS,
                "flags_to_auto_hide": settings.FLAGS_TO_AUTO_HIDE,
            },
        )

    view.__name__ = view.__qualname__ = name
    return view


about = page("about")
terms = page("terms")
privacy = page("privacy")
vetting = page("vetting")
