"""Which dependency keys (articles/page_cache.py) a change touches, and which
ones a reader page declares: the knowledge of what each page shows.

The sidebar is the subtle part. It ranks candidates (the newest taggings of
each of the article's tags, the newest articles of its municipality and
overall; see ArticleQuerySet.related_to) by the number of shared tags. An
article page therefore declares, for its tags T1…Tn, the key of every set
of them that an article would have to share to enter its sidebar:
related-T for each tag, and related-T1.T2… for each set at least as large
as the weakest sidebar entry's shared count. A change of article A's tag T
touches related-S for the sets S of A's tags that contain T, but only
where A can be a candidate at all (it is among the newest taggings of one
of S's tags); when A is among its municipality's newest, it touches
related-place-M, which the pages of that municipality's articles declare.
Retagging an old article therefore leaves the sidebars of busy topics
alone, and publishing a new one reaches every sidebar it may enter.
"""

from itertools import combinations

from django.apps import apps
from django.utils import timezone

from .page_cache import list_key, object_key, related_key

# Fields that decide which lists an article is on and where.
PLACEMENT_FIELDS = ("status", "published_at", "unpublish_at", "municipality_id")


def _model(name):
    return apps.get_model("articles", name)


def month_of(moment):
    return timezone.localtime(moment).strftime("%Y-%m")


def _tag_ids(article_pk):
    return set(
        _model("TaggedArticle")
        .objects.filter(content_object=article_pk)
        .values_list("tag_id", flat=True)
    )


# What a change touches.


def article_keys(old, new):
    """An article changed (saved, created, deleted)."""
    keys = {list_key("search")}
    for state in (old, new):
        if state is not None:
            keys.add(object_key(state))
            if state.is_published:  # its lastmod on the sitemap, its teaser
                keys |= {list_key("month", month_of(state.published_at))}
                keys.add(list_key("news"))
    moved = old is None or new is None
    moved = moved or any(getattr(old, f) != getattr(new, f) for f in PLACEMENT_FIELDS)
    if moved:
        for state in (old, new):
            if state is not None and state.is_published:
                keys |= placement_keys(state)
    return keys


def visibility_keys(article):
    """An article appeared or disappeared by time alone (page_cache.sweep)."""
    return {object_key(article), list_key("search")} | placement_keys(article)


def placement_keys(article):
    """Every list `article` is on, and every sidebar it may be in."""
    keys = {
        list_key(name)
        for name in ("articles", "archive", "municipalities", "topics", "news")
    }
    keys.add(list_key("month", month_of(article.published_at)))
    if article.municipality_id:
        keys.add(list_key("municipality", article.municipality_id))
        if article.municipality.federal_state:
            keys.add(list_key("state", article.municipality.federal_state))
    tag_ids = _tag_ids(article.pk)
    keys |= {list_key("tag", tag_id) for tag_id in tag_ids}
    keys |= {list_key("author", pk) for pk in _author_ids(article.pk)}
    keys |= {list_key("dossier", pk) for pk in _picked_in(article.pk)}
    return keys | related_keys(article, tag_ids, changed=tag_ids)


def _author_ids(article_pk):
    return set(
        _model("ArticleAuthor")
        .objects.filter(article=article_pk)
        .values_list("author_id", flat=True)
    )


def _picked_in(article_pk):
    """The dossiers editors put the article in (those by topic follow its
    tags' list keys)."""
    return set(
        _model("DossierEntry")
        .objects.filter(article=article_pk)
        .values_list("dossier_id", flat=True)
    )


def tagging_keys(old, new):
    """A tag was put on or taken off an article."""
    keys = set()
    for state in (old, new):
        if state is None:
            continue
        article = _model("Article").objects.filter(pk=state.content_object_id).first()
        if article is None or not article.is_published:
            continue  # readers see no tags of a hidden article
        tag_ids = _tag_ids(article.pk) | {state.tag_id}
        keys |= {object_key(article), list_key("tag", state.tag_id)}
        keys.add(list_key("topics"))
        keys |= related_keys(article, tag_ids, changed={state.tag_id})
    return keys


def related_keys(article, tag_ids, changed):
    """The sidebar keys a change of `article`'s tags `changed` touches, its
    tags being `tag_ids` (see the module docstring)."""
    from .models import RELATED_CANDIDATES_PER_TAG

    windows = {
        tag_id
        for tag_id in tag_ids
        if len(
            _model("TaggedArticle")
            .objects.filter(tag=tag_id, content_object__gt=article.pk)
            .values_list("pk", flat=True)[:RELATED_CANDIDATES_PER_TAG]
        )
        < RELATED_CANDIDATES_PER_TAG
    }
    keys = set()
    if (
        article.municipality_id
        and windows != set(tag_ids)
        and _among_newest_of_place(article)
    ):
        # A candidate of every sidebar of its municipality's articles.
        keys.add(place_sidebars_key(article.municipality_id))
    for size in range(1, len(tag_ids) + 1):
        for subset in combinations(sorted(tag_ids), size):
            if changed.isdisjoint(subset):
                continue
            if not windows.isdisjoint(subset):
                keys.add(related_key(subset))
    return keys


def place_sidebars_key(municipality_id):
    """The sidebars of the articles of one municipality, which rank its
    newest articles among their candidates."""
    return f"related-place-{municipality_id}"


def _among_newest_of_place(article, limit=15):
    newer = (
        _model("Article")
        .objects.published()
        .filter(municipality=article.municipality_id)
        .filter(published_at__gt=article.published_at)
        .values_list("pk", flat=True)[: limit + 1]
    )
    return len(newer) <= limit


def municipality_keys(old, new):
    """A municipality was renamed (its name is on its pages, the directory,
    the search form) or moved to another federal state (its news with it)."""
    keys = {object_key(row) for row in (old, new) if row}
    keys |= {
        list_key("state", row.federal_state)
        for row in (old, new)
        if row and row.federal_state
    }
    return keys | {list_key("municipalities")}


def tag_keys(old, new):
    """A topic was renamed (its name is on article pages and its own)."""
    return {object_key(state) for state in (old, new) if state} | {list_key("topics")}


def own_keys(old, new):
    """A row that only the pages declaring it show (credits, pages)."""
    return {object_key(state) for state in (old, new) if state}


def photo_keys(old, new):
    """A photo changed (alt text, caption, credit, focal point, file): the
    pages of the articles that show it declare its key."""
    return {object_key(state) for state in (old, new) if state}


def byline_keys(old, new):
    """An author was put into or taken out of an article's byline, or moved
    in it: the article's page (and every feed or list showing it) and the
    author's list of articles."""
    keys = set()
    for state in (old, new):
        if state is not None:
            keys.add(f"article-{state.article_id}")
            keys.add(list_key("author", state.author_id))
    return keys


def correction_keys(old, new):
    """A correction note changed: the page of its article shows it."""
    return {f"article-{state.article_id}" for state in (old, new) if state}


def dossier_keys(old, new):
    """A dossier changed: its page and feed, the directory, and the pages of
    the articles that link to it (picked by hand, or tagged with its topic)."""
    keys = {list_key("dossiers")}
    for state in (old, new):
        if state is None:
            continue
        keys.add(object_key(state))
        if state.topic_id:
            keys.add(list_key("dossiers-tag", state.topic_id))
    pk = (new or old).pk
    picked = _model("DossierEntry").objects.filter(dossier=pk)
    keys |= {
        list_key("dossiers-article", article_pk)
        for article_pk in picked.values_list("article_id", flat=True)
    }
    return keys


def dossier_entry_keys(old, new):
    """An article was put into a dossier, moved or taken out: the dossier's
    page and feed, and the article's page (its link to the dossier)."""
    keys = set()
    for state in (old, new):
        if state is not None:
            keys.add(list_key("dossier", state.dossier_id))
            keys.add(list_key("dossiers-article", state.article_id))
    return keys


def no_keys(old, new):
    """A row readers reach only through redirects, which are never cached."""
    return set()


# What a page declares.


def teaser_keys(articles):
    """The articles, photos and photo credits teasers with a thumbnail show
    (for_photo_teasers() loads the photo and its credit)."""
    keys = {object_key(article) for article in articles}
    for article in articles:
        keys |= photo_page_keys(article)
    return keys


def photo_page_keys(article):
    """The keys of `article`'s photo and its credit, if it has a photo (the
    photo must be loaded with select_related)."""
    if not article.photo_id:
        return set()
    keys = {f"photo-{article.photo_id}"}
    if article.photo.credit_id:
        keys.add(f"imagecredit-{article.photo.credit_id}")
    return keys


def dossier_page_keys(dossier, articles):
    """A dossier's page: the dossier with its photo and credit, the articles
    picked for it (list-dossier) and on its topic (list-tag), and the
    articles it shows."""
    keys = {object_key(dossier), list_key("dossier", dossier.pk)}
    if dossier.topic_id:
        keys |= {list_key("tag", dossier.topic_id), f"tag-{dossier.topic_id}"}
    if dossier.photo_id:
        keys |= photo_page_keys(dossier)
    return keys | teaser_keys(articles)


def dossier_link_keys(article, dossiers):
    """What an article page's links to its dossiers depend on: the dossiers
    shown, and any dossier that picks the article or has one of its tags as
    its topic (see dossier_keys())."""
    keys = {object_key(dossier) for dossier in dossiers}
    keys.add(list_key("dossiers-article", article.pk))
    keys |= {list_key("dossiers-tag", tag.pk) for tag in article.tags.all()}
    return keys


def article_page_keys(article, related, limit=15):
    """An article page: the article, its municipality, credit and tags, and
    its sidebar (see the module docstring)."""
    tag_ids = sorted(tag.pk for tag in article.tags.all())
    keys = {object_key(article)} | {f"tag-{pk}" for pk in tag_ids}
    keys |= {object_key(item) for item in related}  # no photos in the sidebar
    if article.municipality_id:
        keys.add(f"municipality-{article.municipality_id}")
        keys.add(place_sidebars_key(article.municipality_id))
    keys |= photo_page_keys(article)
    keys |= {f"author-{byline.author_id}" for byline in article.bylines.all()}
    full = len(related) >= limit
    weakest = min((item.shared_tags for item in related), default=0) if full else 0
    keys |= {related_key([pk]) for pk in tag_ids}
    for size in range(max(2, weakest), len(tag_ids) + 1):
        keys |= {related_key(subset) for subset in combinations(tag_ids, size)}
    if weakest == 0:
        if article.municipality_id:
            keys.add(list_key("municipality", article.municipality_id))
        if not full or any(
            not item.shared_tags and not item.same_place for item in related
        ):
            keys.add(list_key("articles"))
    return keys
