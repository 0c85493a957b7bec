"""Municipalities and image credits: the reference data articles point to,
in the models and in the editors' admin."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Municipality
from tests.factories import make_article, make_credit, make_jpeg, make_municipality

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("make", "field"),
    [(make_municipality, "municipality"), (make_credit, "image_credit")],
    ids=["municipality", "image credit"],
)
def test_reference_data_in_use_cannot_be_deleted(make, field):
    """A cascade would silently take published news down."""
    used = make()
    article = make_article(image=make_jpeg(), **{field: used})  # credits via photos
    with pytest.raises(ProtectedError):
        used.delete()
    assert Article.objects.filter(pk=article.pk).exists()


def test_deleting_a_municipality_in_use_is_refused_in_the_admin(admin_client):
    essen = make_municipality(name="Essen")
    make_article(municipality=essen, title="TikTok-Kanal")
    url = reverse("admin:articles_municipality_delete", args=[essen.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert "TikTok-Kanal" in response.content.decode()  # names what holds it
    assert essen.articles.exists()
    essen.refresh_from_db()


@pytest.mark.parametrize("ags", ["0511300", "051130000", "05113A00"])
def test_official_municipality_key_must_have_eight_digits(ags):
    municipality = Municipality(name="Essen", slug="essen", ags=ags)
    with pytest.raises(ValidationError) as error:
        municipality.full_clean()
    assert "8 Ziffern" in str(error.value.message_dict["ags"])


def test_municipality_slug_is_made_from_its_name():
    assert make_municipality(name="Mönchengladbach").slug == "moenchengladbach"


def test_image_credit_reads_as_in_the_reference():
    credit = make_credit(creator="victor69", source="123rf.com")
    assert str(credit) == "victor69/123rf.com"
    assert credit.credit_line == "Bildquelle: victor69/123rf.com"


def test_own_photo_credit_names_only_the_creator():
    assert make_credit(creator="Stadt Essen", source="").credit_line == (
        "Bildquelle: Stadt Essen"
    )


def test_municipalities_and_credits_keep_versions_too(admin_client, admin_user):
    admin_client.post(
        reverse("admin:articles_municipality_add"),
        {"name": "Essen", "slug": "essen", "kind": "stadt", "federal_state": "NW"},
    )
    admin_client.post(
        reverse("admin:articles_imagecredit_add"),
        {"creator": "victor69", "source": "123rf.com"},
    )
    versions = Version.objects.select_related("revision")
    assert sorted(str(version) for version in versions) == [
        "Essen",
        "victor69/123rf.com",
    ]
    assert {version.revision.user for version in versions} == {admin_user}
