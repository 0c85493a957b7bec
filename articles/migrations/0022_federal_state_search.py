from django.db import migrations, models

# PostgreSQL: the search trigger of 0011 also writes search_words, the
# distinct words of the text (the "simple" configuration: lowercased, not
# stemmed, HTML tags dropped), and a trigram index (pg_trgm) serves
# LIKE '%part%' on it, so that a word finds the compounds it is part of.
# Other databases keep the column empty and search with LIKE on the text.
VECTOR = """
    NEW.search_vector :=
        setweight(to_tsvector('pg_catalog.german',
            coalesce(NEW.kicker, '') || ' ' || coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('pg_catalog.german', coalesce(NEW.lead, '')), 'B')
        || setweight(to_tsvector('pg_catalog.german', coalesce(NEW.body, '')), 'C');
"""
WORDS = """
    NEW.search_words := array_to_string(tsvector_to_array(to_tsvector(
        'pg_catalog.simple',
        coalesce(NEW.kicker, '') || ' ' || coalesce(NEW.title, '') || ' '
        || coalesce(NEW.lead, '') || ' ' || coalesce(NEW.body, ''))), ' ');
"""
FUNCTION = """
CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger AS $$
BEGIN
{body}
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""
CREATE = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm;"
    + FUNCTION.format(body=VECTOR + WORDS)
    + """
UPDATE articles_article SET title = title;
CREATE INDEX articles_article_search_words_trgm
    ON articles_article USING gin (search_words gin_trgm_ops);
"""
)
DROP = FUNCTION.format(body=VECTOR) + (
    "DROP INDEX articles_article_search_words_trgm;"
)


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0021_authors_corrections"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_words",
            field=models.TextField(editable=False, null=True),
        ),
        migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP)),
    ]
