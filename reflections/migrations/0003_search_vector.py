"""Full-text search over reflections, kept by PostgreSQL itself (on SQLite, used only by
`make run`, the workbench falls back to a plain substring search and this does nothing).

- `leerkring_dutch`: the `dutch` text-search configuration with `unaccent` before the Dutch
  stemmer, so "ideeen" finds "ideeën" and "cooperatie" finds "coöperatie".
- `reflections_reflection.search_vector`: a tsvector over every text field of the reflection and
  the text of its value notes (title weighted A, situation and lesson B, the rest C), with a GIN
  index. Triggers keep it current: one on the reflection itself (BEFORE INSERT OR UPDATE) and,
  because a generated column cannot read another table, statement triggers on the value notes
  that touch the reflections whose notes changed. No Python code writes it, so none can skip it.
"""

from django.db import migrations

FORWARD = r"""
CREATE EXTENSION IF NOT EXISTS unaccent;

DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'leerkring_dutch') THEN
        CREATE TEXT SEARCH CONFIGURATION leerkring_dutch (COPY = pg_catalog.dutch);
        ALTER TEXT SEARCH CONFIGURATION leerkring_dutch
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, dutch_stem;
    END IF;
END $$;

ALTER TABLE reflections_reflection ADD COLUMN search_vector tsvector;

CREATE FUNCTION reflections_reflection_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('leerkring_dutch', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('leerkring_dutch',
               concat_ws(' ', NEW.situation, NEW.lesson)), 'B')
        || setweight(to_tsvector('leerkring_dutch', concat_ws(' ',
               NEW.switch_reason, NEW.tension, NEW.professional_knowledge, NEW.local_knowledge,
               (SELECT string_agg(note.text, ' ') FROM reflections_valuenote note
                 WHERE note.reflection_id = NEW.id))), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER reflections_reflection_search_vector
    BEFORE INSERT OR UPDATE ON reflections_reflection
    FOR EACH ROW EXECUTE FUNCTION reflections_reflection_search_vector();

-- A value note changed: recompute the vector of its reflection (the row trigger above does it).
CREATE FUNCTION reflections_valuenote_touch() RETURNS trigger AS $$
BEGIN
    UPDATE reflections_reflection reflection SET search_vector = NULL
     WHERE reflection.id IN (SELECT reflection_id FROM changed_notes);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER reflections_valuenote_inserted AFTER INSERT ON reflections_valuenote
    REFERENCING NEW TABLE AS changed_notes
    FOR EACH STATEMENT EXECUTE FUNCTION reflections_valuenote_touch();
CREATE TRIGGER reflections_valuenote_updated AFTER UPDATE ON reflections_valuenote
    REFERENCING NEW TABLE AS changed_notes
    FOR EACH STATEMENT EXECUTE FUNCTION reflections_valuenote_touch();
CREATE TRIGGER reflections_valuenote_deleted AFTER DELETE ON reflections_valuenote
    REFERENCING OLD TABLE AS changed_notes
    FOR EACH STATEMENT EXECUTE FUNCTION reflections_valuenote_touch();

-- Fill it for the reflections there are (the row trigger computes it).
UPDATE reflections_reflection SET search_vector = NULL;

CREATE INDEX reflections_reflection_search_vector_gin
    ON reflections_reflection USING gin (search_vector);
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS reflections_valuenote_inserted ON reflections_valuenote;
DROP TRIGGER IF EXISTS reflections_valuenote_updated ON reflections_valuenote;
DROP TRIGGER IF EXISTS reflections_valuenote_deleted ON reflections_valuenote;
DROP FUNCTION IF EXISTS reflections_valuenote_touch();
DROP TRIGGER IF EXISTS reflections_reflection_search_vector ON reflections_reflection;
DROP FUNCTION IF EXISTS reflections_reflection_search_vector();
ALTER TABLE reflections_reflection DROP COLUMN IF EXISTS search_vector;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("reflections", "0002_workbench_coding")]

    operations = [migrations.RunPython(forward, backward)]
