from django.conf import settings


def site_context():
    """What every page's layout needs; read from settings only, so that the
    500 page can use it without a request or the database."""
    return {
        "site_name": settings.SITE_NAME,
        "accessibility_contact": settings.ACCESSIBILITY_CONTACT,
    }


def site(request):
    """The layout's values (site_context()) for every template."""
    return site_context()
