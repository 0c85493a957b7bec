from django.urls import path, re_path

from . import newsletter_views, views

app_name = "articles"
urlpatterns = [
    path("", views.ArticleListView.as_view(), name="index"),
    path("artikel/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("vorschau/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
    path("thema/<slug:slug>/", views.TopicView.as_view(), name="topic"),
    path("autor/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("kommunen/", views.MunicipalityDirectoryView.as_view(), name="municipalities"),
    path(
        "kommune/<slug:slug>/",
        views.MunicipalityNewsView.as_view(),
        name="municipality",
    ),
    path("land/<slug:slug>/", views.StateNewsView.as_view(), name="state"),
    path("schwerpunkte/", views.DossierDirectoryView.as_view(), name="dossiers"),
    path("schwerpunkt/<slug:slug>/", views.DossierView.as_view(), name="dossier"),
    path("archiv/", views.ArchiveView.as_view(), name="archive"),
    # Four-digit years from 1000 and months 01–12 only, so that every
    # month the URL names is a valid date range.
    re_path(
        r"^archiv/(?P<year>[12][0-9]{3})/(?P<month>0[1-9]|1[0-2])/$",
        views.ArchiveMonthView.as_view(),
        name="archive_month",
    ),
    path("suche/", views.SearchView.as_view(), name="search"),
    path("seite/<slug:slug>/", views.PageView.as_view(), name="page"),
    path("teilen/mastodon/", views.MastodonShareView.as_view(), name="share_mastodon"),
    path(
        "newsletter/",
        newsletter_views.NewsletterSubscribeView.as_view(),
        name="newsletter",
    ),
    path(
        "newsletter/posteingang/",
        newsletter_views.NewsletterCheckMailView.as_view(),
        name="newsletter_check_mail",
    ),
    path(
        "newsletter/bestaetigen/<str:token>/",
        newsletter_views.NewsletterConfirmView.as_view(),
        name="newsletter_confirm",
    ),
    path(
        "newsletter/abmelden/<str:token>/",
        newsletter_views.NewsletterUnsubscribeView.as_view(),
        name="newsletter_unsubscribe",
    ),
]
