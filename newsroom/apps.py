from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    """django.contrib.admin with the two-factor login of NewsroomAdminSite
    as `admin.site`, so every registered admin is behind it."""

    default_site = "newsroom.admin.NewsroomAdminSite"
