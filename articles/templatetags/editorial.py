"""The editors' start page in the admin: what waits for whom."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models import Article

register = template.Library()

# Each section: its title, the changelist (and filter) that lists all of it,
# and the permission that shows it. Moderators see only the tagging queue.
SECTIONS = [
    ("drafts", _("Meine Entwürfe"), "articles", "?status=draft&mine=1", "change"),
    ("review", _("In Prüfung"), "articles", "?status=review", "change"),
    ("scheduled", _("Geplant"), "articles", "?status=scheduled", "change"),
    (
        "recent",
        _("Kürzlich veröffentlicht (7 Tage)"),
        "articles",
        "?status=published",
        "change",
    ),
    ("tagging", _("Verschlagwortung"), "tagging", "", "tagging"),
]
PERMISSIONS = {
    "change": "articles.change_article",
    "tagging": "articles.change_articletagging",
}
CHANGELISTS = {
    "articles": ("admin:articles_article_changelist", "admin:articles_article_change"),
    "tagging": (
        "admin:articles_articletagging_changelist",
        "admin:articles_articletagging_change",
    ),
}
SHOWN = 5  # articles listed per section; the count says how many there are


@register.inclusion_tag("admin/articles/dashboard.html")
def editorial_dashboard(user):
    """The sections `user` may see, each with its count (one query for all)
    and its SHOWN newest articles (one query each)."""
    conditions = Article.objects.dashboard(
        user=user, all_reviews=user.has_perm("articles.publish_article")
    )
    visible = [
        section for section in SECTIONS if user.has_perm(PERMISSIONS[section[4]])
    ]
    if not visible:
        return {"sections": []}
    counts = Article.objects.dashboard_counts(
        {name: conditions[name] for name, *_rest in visible}
    )
    sections = []
    for name, title, changelist, query, _permission in visible:
        list_url, change_url = CHANGELISTS[changelist]
        articles = (
            Article.objects.filter(conditions[name])
            .only("pk", "kicker", "title", "published_at")
            .order_by("-updated_at", "-pk")[:SHOWN]
        )
        sections.append(
            {
                "name": name,
                "title": title,
                "count": counts[name],
                "url": reverse(list_url) + query,
                "articles": [
                    (article, reverse(change_url, args=[article.pk]))
                    for article in articles
                ],
            }
        )
    return {"sections": sections}
