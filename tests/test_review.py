"""The review workflow: only publishers ("Chef vom Dienst") publish,
schedule and unpublish, by any path; editors submit for review, which
tells the publishers by e-mail and on the admin's start page; the start
page shows each user what waits, at a fixed number of queries."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from reversion.models import Version

from articles.models import Article, ArticleStatus
from tests.factories import (
    admin_form_data,
    article_form,
    log_in_in_browser,
    log_in_with_second_factor,
    make_article,
    make_user,
)

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")
CHANGELIST = reverse("admin:articles_article_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def chefin():
    return make_user(
        username="chefin", email="chefin@example.org", groups=["Chef vom Dienst"]
    )


def errors(response):
    return response.context["adminform"].form.errors


def test_editor_cannot_publish_or_schedule_from_the_form(editor_client):
    tomorrow = (timezone.now() + timedelta(days=1)).strftime("%d.%m.%Y")
    for data in (
        article_form(),
        article_form(slug="morgen", published_at_0=tomorrow),
    ):
        response = editor_client.post(ADD, data)
        assert response.status_code == 200
        assert "Chef vom Dienst vorbehalten" in str(errors(response)["status"])
    assert not Article.objects.exists()


def test_editor_cannot_unpublish_or_move_dates_of_a_published_article(
    editor_client,
):
    article = make_article()
    opened = admin_form_data(editor_client.get(change_url(article)))
    later = (timezone.now() + timedelta(days=1)).strftime("%d.%m.%Y")
    for change in (
        {"status": ArticleStatus.DRAFT},
        {"status": ArticleStatus.ARCHIVED},
        {"published_at_0": later},
        {"unpublish_at_0": later, "unpublish_at_1": "10:00:00"},
    ):
        response = editor_client.post(change_url(article), opened | change)
        assert response.status_code == 200, change
    article.refresh_from_db()
    assert article.is_published


def test_editor_corrects_a_published_articles_text(editor_client):
    article = make_article()
    opened = admin_form_data(editor_client.get(change_url(article)))
    response = editor_client.post(change_url(article), opened | {"title": "Korrigiert"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Korrigiert" and article.is_published


def test_editor_cannot_change_visibility_through_a_restore(editor_client):
    article = make_article(status=ArticleStatus.DRAFT, published_at=None)
    opened = admin_form_data(editor_client.get(change_url(article)))
    editor_client.post(change_url(article), opened | {"title": "Zweite"})
    version = Version.objects.get_for_object(article).get()
    url = reverse("admin:articles_article_revision", args=[article.pk, version.pk])
    form = admin_form_data(editor_client.get(url))
    response = editor_client.post(url, form | {"status": ArticleStatus.PUBLISHED})
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT


def test_editor_has_no_bulk_publish_or_unpublish(editor_client):
    actions = editor_client.get(CHANGELIST).context["action_form"]
    names = [name for name, _label in actions.fields["action"].choices]
    assert "submit_for_review" in names
    assert "publish_now" not in names and "unpublish" not in names


def test_publisher_publishes_from_the_form(chefin):
    client = Client()
    log_in_with_second_factor(client, chefin)
    response = client.post(ADD, article_form())
    assert response.status_code == 302
    assert Article.objects.get().is_published


def test_submitting_from_the_form_mails_the_publishers(editor_client, chefin):
    make_user(username="redakteur2", email="r2@example.org", groups=["Redaktion"])
    response = editor_client.post(
        ADD, article_form(status=ArticleStatus.REVIEW), follow=True
    )
    assert Article.objects.get().status == ArticleStatus.REVIEW
    [message] = mail.outbox
    assert message.to == ["chefin@example.org"]
    assert message.subject == "Zur Prüfung: Stadt startet TikTok-Kanal"
    assert "redakteurin hat zur Prüfung eingereicht" in message.body
    assert change_url(Article.objects.get()) in message.body
    assert any(
        "Chef vom Dienst ist informiert" in str(m) for m in response.context["messages"]
    )


def test_saving_an_article_already_in_review_sends_no_second_mail(
    editor_client, chefin
):
    article = make_article(status=ArticleStatus.REVIEW)
    opened = admin_form_data(editor_client.get(change_url(article)))
    editor_client.post(change_url(article), opened | {"title": "Noch besser"})
    assert mail.outbox == []


def test_bulk_submit_for_review_skips_published_articles(editor_client, chefin):
    draft = make_article(status=ArticleStatus.DRAFT, title="Entwurf")
    online = make_article(title="Online")
    editor_client.post(
        CHANGELIST,
        {"action": "submit_for_review", "_selected_action": [draft.pk, online.pk]},
    )
    draft.refresh_from_db()
    online.refresh_from_db()
    assert draft.status == ArticleStatus.REVIEW
    assert online.is_published
    [message] = mail.outbox
    assert "Entwurf" in message.body and "Online" not in message.body


def test_a_failing_mail_server_does_not_lose_the_submission(
    editor_client, chefin, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens
    response = editor_client.post(ADD, article_form(status=ArticleStatus.REVIEW))
    assert response.status_code == 302
    assert Article.objects.get().status == ArticleStatus.REVIEW


def test_assign_role_makes_a_publisher(django_user_model):
    user = django_user_model.objects.create_user("cvd2")
    call_command("assign_role", "cvd2", "chef-vom-dienst")
    user = django_user_model.objects.get(pk=user.pk)
    assert user.has_perm("articles.publish_article")


# The start page


def section(response, name):
    return next(s for s in response.context["sections"] if s["name"] == name)


def dashboard_of(client):
    return client.get(reverse("admin:index"))


def test_start_page_shows_what_waits_for_an_editor(editor, editor_client):
    other = make_user(groups=["Redaktion"])
    make_article(title="Mein Entwurf", status=ArticleStatus.DRAFT, author=editor)
    make_article(title="Fremder Entwurf", status=ArticleStatus.DRAFT, author=other)
    make_article(title="Meine Prüfung", status=ArticleStatus.REVIEW, author=editor)
    make_article(title="Fremde Prüfung", status=ArticleStatus.REVIEW, author=other)
    make_article(title="Morgen", published_at=timezone.now() + timedelta(days=1))
    make_article(title="Gestern", published_at=timezone.now() - timedelta(days=1))
    make_article(title="Alt", published_at=timezone.now() - timedelta(days=30))

    response = dashboard_of(editor_client)

    found = {
        s["name"]: (s["count"], [a.title for a, _url in s["articles"]])
        for s in response.context["sections"]
    }
    assert found["drafts"] == (1, ["Mein Entwurf"])
    assert found["review"] == (1, ["Meine Prüfung"])
    assert found["scheduled"] == (1, ["Morgen"])
    assert found["recent"] == (1, ["Gestern"])
    assert "tagging" not in found  # editors do not tag in the queue
    page = response.content.decode()
    assert 'id="dashboard-drafts"' in page and "Mein Entwurf" in page


def test_publishers_see_every_article_in_review(chefin):
    make_article(status=ArticleStatus.REVIEW, author=make_user())
    make_article(status=ArticleStatus.REVIEW, author=make_user())
    client = Client()
    log_in_with_second_factor(client, chefin)
    assert section(dashboard_of(client), "review")["count"] == 2


def test_moderators_see_only_the_tagging_queue(moderator_client):
    make_article(title="Ohne Schlagwort")
    make_article(title="Verschlagwortet", tags=["KI"])
    response = dashboard_of(moderator_client)
    [queue] = response.context["sections"]
    assert queue["name"] == "tagging"
    assert queue["count"] == 1
    assert [a.title for a, _url in queue["articles"]] == ["Ohne Schlagwort"]


@pytest.mark.parametrize("size", [3, 30])
def test_start_page_costs_the_same_queries_at_any_size(
    admin_client, admin_user, django_assert_num_queries, size
):
    for number in range(size):
        make_article(status=ArticleStatus.DRAFT, author=admin_user)
        make_article(status=ArticleStatus.REVIEW)
        make_article(published_at=timezone.now() + timedelta(days=1 + number))
        make_article(tags=["KI"] if number % 2 else ())
    # session, user, second factor, counts, one list per section (5),
    # recent actions
    with django_assert_num_queries(10):
        response = admin_client.get(reverse("admin:index"))
    assert section(response, "drafts")["count"] == size


@pytest.mark.browser
@pytest.mark.django_db(serialized_rollback=True)
def test_editor_hands_over_and_the_publisher_publishes(
    live_site, browser, page, reader_page
):
    editor = make_user(username="rieke", groups=["Redaktion"])
    chefin = make_user(
        username="chefin", email="chefin@example.org", groups=["Chef vom Dienst"]
    )

    def log_in(tab, user):
        log_in_in_browser(tab, live_site.url, user)

    log_in(page, editor)
    page.goto(f"{live_site.url}{ADD}")
    page.get_by_label("Dachzeile").fill("Essen")
    page.get_by_label("Überschrift").fill("Stadt startet TikTok-Kanal")
    page.get_by_label("Vorspann").fill("Nun kommt TikTok dazu.")
    page.get_by_label("Status").select_option(ArticleStatus.REVIEW)
    page.get_by_role("button", name="Sichern", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Chef vom Dienst ist informiert"
    )
    page.goto(f"{live_site.url}/admin/")
    expect(page.locator("#dashboard-review")).to_contain_text("(1)")
    [message] = mail.outbox
    assert message.to == ["chefin@example.org"]

    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    publisher_page = context.new_page()
    log_in(publisher_page, chefin)
    review = publisher_page.locator("#dashboard-review")
    expect(review).to_contain_text("(1)")
    review.get_by_role("link", name="Essen: Stadt startet TikTok-Kanal").click()
    publisher_page.get_by_label("Status").select_option(ArticleStatus.PUBLISHED)
    publisher_page.get_by_role("button", name="Sichern", exact=True).click()
    expect(publisher_page.locator(".messagelist")).to_contain_text("erfolgreich")
    context.close()

    article = Article.objects.get()
    assert article.is_published
    assert reader_page.goto(f"{live_site.url}{article.get_absolute_url()}").ok
