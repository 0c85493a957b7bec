"""The admin, one module per screen family; importing them registers them."""

from . import (  # noqa: F401
    articles,
    authors,
    dossiers,
    newsletters,
    pages,
    photos,
    reference_data,
    site,
    tagging,
)
