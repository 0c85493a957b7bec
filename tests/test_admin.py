import pytest
from django.urls import reverse

from articles.models import Article, ArticleStatus
from tests.factories import make_article, make_credit, make_jpeg, make_municipality

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["article", "municipality", "imagecredit", "tag"])
def test_admin_list_and_add_screens_open(admin_client, model):
    make_article(municipality=make_municipality(), image_credit=make_credit())
    for view in ("changelist", "add"):
        response = admin_client.get(reverse(f"admin:articles_{model}_{view}"))
        assert response.status_code == 200, view


def test_article_list_searches_kicker_title_and_lead(admin_client):
    make_article(kicker="Essen", title="TikTok-Kanal")
    make_article(kicker="Bonn", title="Chatbot", lead="Fragen an die KI.")
    url = reverse("admin:articles_article_changelist")
    for term, expected in [("Essen", "TikTok-Kanal"), ("KI", "Chatbot")]:
        results = admin_client.get(url, {"q": term}).context["cl"].result_list
        assert [article.title for article in results] == [expected]


def test_editor_creates_an_article_with_photo_and_credit(admin_client, admin_user):
    essen = make_municipality(name="Essen")
    credit = make_credit(creator="victor69", source="123rf.com")
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        {
            "municipality": essen.pk,
            "kicker": "",
            "title": "Stadt startet TikTok-Kanal",
            "slug": "essen-stadt-startet-tiktok-kanal",
            "lead": "Nun kommt TikTok dazu.",
            "body": "<p>Text</p>",
            "image": make_jpeg(),
            "alt_text": "Ein Smartphone",
            "caption": "",
            "image_credit": credit.pk,
            "status": ArticleStatus.PUBLISHED,
            "published_at_0": "10.04.2025",
            "published_at_1": "09:30:00",
            "tags": "Soziale Medien, TikTok",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.kicker == "Essen"
    assert article.author == admin_user
    assert article.image_width == 800
    assert sorted(article.tags.names()) == ["Soziale Medien", "TikTok"]
    assert admin_client.get(article.get_absolute_url()).status_code == 200


def test_admin_offers_view_on_site_link(admin_client):
    article = make_article()
    response = admin_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    )
    view_on_site = reverse(
        "admin:view_on_site", args=[response.context["content_type_id"], article.pk]
    )
    assert view_on_site in response.content.decode()
    assert admin_client.get(view_on_site).url.endswith(article.get_absolute_url())


def test_deleting_a_municipality_in_use_is_refused_in_the_admin(admin_client):
    essen = make_municipality(name="Essen")
    make_article(municipality=essen, title="TikTok-Kanal")
    url = reverse("admin:articles_municipality_delete", args=[essen.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert "TikTok-Kanal" in response.content.decode()
    assert essen.articles.exists()
    essen.refresh_from_db()
