"""The content API against its own OpenAPI schema: Schemathesis generates
valid and invalid requests for every operation (parameters of every type,
unknown methods, missing and malformed values) and checks each answer:
never a 5xx, every status documented, every body as the schema says,
invalid input refused with 4xx. It runs in process through Django's WSGI
application, on an archive with photos, places and topics."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from articles.api import api
from tests.factories import (
    make_article,
    make_credit,
    make_hidden_article,
    make_jpeg,
    make_municipality,
)

# Bounded so that the whole file takes well under a minute.
EXAMPLES = 40


@pytest.fixture
def archive(db, settings):
    settings.API_RATE_LIMIT = 0  # the fuzzer is one busy client
    essen = make_municipality(name="Essen", slug="essen", federal_state="NW")
    make_article(
        title="Stadt startet TikTok-Kanal",
        slug="a",
        municipality=essen,
        image=make_jpeg(),
        alt_text="Ein Smartphone",
        image_credit=make_credit(),
        tags=["Open Data"],
    )
    make_article(title="Bundesprogramm", slug="b", tags=["a"])
    make_hidden_article("draft", slug="c", municipality=essen)
    # As Django's test client does: requests must not close the test's
    # connection, which holds its transaction (PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# The schema as /api/v1/openapi.json serves it; requests go to the WSGI app.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_every_generated_request_as_its_schema_says(case, archive):
    # The WSGI transport does not decode compressed bodies as HTTP clients do.
    case.call_and_validate(headers={"Accept-Encoding": "identity"})
