import django.contrib.postgres.search
from django.db import migrations, models

# On PostgreSQL a trigger keeps Article.search_vector in step with the text
# on every insert and update (bulk inserts and update() included), and a GIN
# index serves the search. Other databases keep the column empty and search
# with LIKE (ArticleQuerySet.search).
CREATE = """
CREATE FUNCTION articles_article_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('pg_catalog.german',
            coalesce(NEW.kicker, '') || ' ' || coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('pg_catalog.german', coalesce(NEW.lead, '')), 'B')
        || setweight(to_tsvector('pg_catalog.german', coalesce(NEW.body, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER articles_article_search_vector
    BEFORE INSERT OR UPDATE OF kicker, title, lead, body ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector();
UPDATE articles_article SET title = title;
CREATE INDEX articles_article_search_gin ON articles_article USING gin (search_vector);
"""
DROP = """
DROP INDEX articles_article_search_gin;
DROP TRIGGER articles_article_search_vector ON articles_article;
DROP FUNCTION articles_article_search_vector();
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_photo_validation"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True
            ),
        ),
        migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP)),
    ]
