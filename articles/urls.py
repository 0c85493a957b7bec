from django.urls import path

from . import views

app_name = "articles"
urlpatterns = [
    path("", views.ArticleListView.as_view(), name="index"),
    path("artikel/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("vorschau/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
    path("thema/<slug:slug>/", views.TopicView.as_view(), name="topic"),
    path("kommune/<slug:slug>/", views.MunicipalityView.as_view(), name="municipality"),
]
