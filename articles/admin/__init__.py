"""The admin, one module per screen family; importing them registers them."""

from . import articles, pages, photos, reference_data, site, tagging  # noqa: F401
