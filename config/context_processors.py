from django.conf import settings


def site(request):
    """The site's name, for the header, page titles and e-mails."""
    return {"site_name": settings.SITE_NAME}
