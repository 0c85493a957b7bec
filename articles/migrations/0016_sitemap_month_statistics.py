from django.conf import settings
from django.db import migrations

# The sitemap index groups published articles by month in the site's time
# zone (ArticleQuerySet.sitemap_months). Without statistics on that
# expression PostgreSQL guesses one group per row and sorts the whole
# archive; with them it hashes about one group per month.
EXPRESSION = "date_trunc('month', published_at AT TIME ZONE '{}')"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        expression = EXPRESSION.format(settings.TIME_ZONE)
        schema_editor.execute(
            "CREATE STATISTICS article_publication_month "
            f"ON ({expression}) FROM articles_article"
        )
        schema_editor.execute("ANALYZE articles_article")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS article_publication_month")


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_reader_edge_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
