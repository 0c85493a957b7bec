#!/usr/bin/env python3
"""The invalidation figure at any archive size, without rendering every page.

    .venv/bin/python bench/invalidation.py [--articles 10000]

Builds the archive with bench/run.py's builder (PostgreSQL, BENCH_DATABASE),
then takes, for every published article, the dependency keys its page
declares (articles.cache_keys.article_page_keys, what the view declares),
and the keys that adding the busiest topic to one article invalidates
(articles.cache_keys.tagging_keys, what the signal emits on that save).
A cached page survives the change when the two sets do not meet: the share
printed is the share of article pages that stay cached, exactly as the page
cache decides it. bench/run.py measures the same by rendering and caching
every page, which takes hours at 10,000 articles on a loaded machine."""

import argparse
import os
import random
import sys
import time

from run import POSTGRES, ROOT, build, recreate_postgres_database, say

sys.path.insert(0, str(ROOT))
DATABASE = os.environ.get("BENCH_DATABASE", "newsroom_bench")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument(
        "--sample",
        type=int,
        default=0,
        help="estimate from this many random article pages (0: all of them)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="reuse the archive of a previous run"
    )
    args = parser.parse_args()
    os.environ.update(
        DJANGO_SECRET_KEY="benchmark-only-not-secret",
        DATABASE_URL=f"{POSTGRES}/{DATABASE}",
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        NEWSROOM_LOG_LEVEL="WARNING",
    )
    os.environ.pop("REDIS_URL", None)
    if not args.keep:
        recreate_postgres_database(DATABASE)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count

    from articles.cache_keys import article_page_keys, tagging_keys
    from articles.models import Article, Tag, TaggedArticle

    call_command("migrate", verbosity=0)
    if not args.keep:
        started = time.perf_counter()
        build(0, args.articles, args.articles)
        say(
            f"built {args.articles:,} articles in {time.perf_counter() - started:.0f} s"
        )
    articles = list(
        Article.objects.published()
        .select_related("municipality")
        .prefetch_related("tags")
        .order_by("published_at")
    )
    pages = articles
    if args.sample:
        pages = random.Random(14).sample(articles, min(args.sample, len(articles)))
    started = time.perf_counter()
    declared = {
        article.pk: article_page_keys(article, article.related()) for article in pages
    }
    seconds = time.perf_counter() - started
    say(f"keys of {len(pages):,} article pages in {seconds:.0f} s")
    busiest = Tag.objects.annotate(n=Count("tagged_articles")).order_by("-n").first()
    picks = {
        "from the archive's first tenth": next(
            a for a in articles[len(articles) // 10 :] if busiest not in a.tags.all()
        ),
        "from the middle": next(
            a for a in articles[len(articles) // 2 :] if busiest not in a.tags.all()
        ),
        "the newest": articles[-1],
    }
    for label, article in picks.items():
        link = TaggedArticle(content_object=article, tag=busiest)
        touched = tagging_keys(None, link) | {f"article-{article.pk}"}
        kept = sum(1 for keys in declared.values() if keys.isdisjoint(touched))
        say(
            f"adding '{busiest.name}' to the article {label} ({article.pk}): "
            f"{len(touched)} keys, {kept / len(declared):.1%} of "
            f"{len(declared):,} article pages (of {len(articles):,}) stay cached"
        )


if __name__ == "__main__":
    main()
