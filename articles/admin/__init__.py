"""The admin, one module per screen family; importing them registers them."""

from . import articles, pages, reference_data, site, tagging  # noqa: F401
