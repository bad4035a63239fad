"""A stamp per circle that PostgreSQL raises whenever what the analysis counts changes, so the
workbench can keep a selection's counts until then (reflections/analysis.py, `counted`).

`reflections_analysis_stamp(circle_id, version)`: statement triggers (one run per statement,
however many rows, with the changed rows as transition tables) raise the version of every
circle whose data a statement changed, in the same transaction:

- reflections (insert, update, delete; a truncate raises every circle);
- their links to roles, work practices and core questions, their value notes and the coded
  passages, found through the reflection they belong to; the codes of a passage through it;
- the framework's roles, work practices, values and core questions, and the municipalities
  (the names, codes and numbers the tables show and the filters match): any change raises
  every circle, as these change rarely.

A reader that read the old version before a change committed may store what it counted under
that old version; nobody asks for the old version after the commit, so that is never shown as
current. On SQLite (only `make run` uses it) there is no stamp and the workbench counts anew
every time.
"""

from django.db import migrations

LINKS = (
    "reflections_reflection_roles",
    "reflections_reflection_practices",
    "reflections_reflection_core_questions",
    "reflections_valuenote",
    "reflections_passage",
)
EVERY_CIRCLE = (
    "reflections_role",
    "reflections_practice",
    "reflections_value",
    "leerkring_corequestion",
    "municipalities_municipality",
)


def _statement_triggers(table: str, function: str) -> str:
    name = table.removeprefix("reflections_")
    return f"""
CREATE TRIGGER analysis_stamp_{name}_inserted AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER analysis_stamp_{name}_updated AFTER UPDATE ON {table}
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER analysis_stamp_{name}_deleted AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""


def _bump(circles: str) -> str:
    """Raise the version of the circles `circles` selects (DISTINCT and in order: one upsert
    per circle, and the rows locked in the same order by every writer)."""
    return f"""
    INSERT INTO reflections_analysis_stamp (circle_id, version)
    SELECT circle_id, 1 FROM ({circles}) AS touched
     WHERE circle_id IS NOT NULL
     GROUP BY circle_id ORDER BY circle_id
    ON CONFLICT (circle_id) DO UPDATE
       SET version = reflections_analysis_stamp.version + 1;
"""


FORWARD = (
    f"""
CREATE TABLE reflections_analysis_stamp (
    circle_id bigint PRIMARY KEY,
    version bigint NOT NULL
);

CREATE FUNCTION reflections_stamp_by_reflection() RETURNS trigger AS $$
BEGIN
{_bump("SELECT circle_id FROM changed")}
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION reflections_stamp_by_link() RETURNS trigger AS $$
BEGIN
{_bump(
    "SELECT reflection.circle_id FROM changed "
    "JOIN reflections_reflection reflection ON reflection.id = changed.reflection_id"
)}
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION reflections_stamp_by_passage_code() RETURNS trigger AS $$
BEGIN
{_bump(
    "SELECT reflection.circle_id FROM changed "
    "JOIN reflections_passage passage ON passage.id = changed.passage_id "
    "JOIN reflections_reflection reflection ON reflection.id = passage.reflection_id"
)}
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION reflections_stamp_every_circle() RETURNS trigger AS $$
BEGIN
    UPDATE reflections_analysis_stamp SET version = version + 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""
    + _statement_triggers("reflections_reflection", "reflections_stamp_by_reflection")
    + "".join(_statement_triggers(table, "reflections_stamp_by_link") for table in LINKS)
    + _statement_triggers("reflections_passagecode", "reflections_stamp_by_passage_code")
    + "".join(
        f"""
CREATE TRIGGER analysis_stamp_{table.removeprefix("reflections_")}_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION reflections_stamp_every_circle();
"""
        for table in EVERY_CIRCLE
    )
    + """
CREATE TRIGGER analysis_stamp_reflection_truncated AFTER TRUNCATE ON reflections_reflection
    FOR EACH STATEMENT EXECUTE FUNCTION reflections_stamp_every_circle();

INSERT INTO reflections_analysis_stamp (circle_id, version)
SELECT DISTINCT circle_id, 1 FROM reflections_reflection;
"""
)


def _drop(table: str, events=("inserted", "updated", "deleted")) -> str:
    name = table.removeprefix("reflections_")
    return "".join(
        f"DROP TRIGGER IF EXISTS analysis_stamp_{name}_{event} ON {table};\n" for event in events
    )


BACKWARD = (
    _drop("reflections_reflection", ("inserted", "updated", "deleted", "truncated"))
    + "".join(_drop(table) for table in LINKS)
    + _drop("reflections_passagecode")
    + "".join(_drop(table, ("changed",)) for table in EVERY_CIRCLE)
    + """
DROP FUNCTION IF EXISTS reflections_stamp_by_reflection();
DROP FUNCTION IF EXISTS reflections_stamp_by_link();
DROP FUNCTION IF EXISTS reflections_stamp_by_passage_code();
DROP FUNCTION IF EXISTS reflections_stamp_every_circle();
DROP TABLE IF EXISTS reflections_analysis_stamp;
"""
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("reflections", "0004_newest_first_index"),
        ("leerkring", "0004_bounded_text"),
        ("municipalities", "0002_bounded_text"),
    ]

    operations = [migrations.RunPython(forward, backward)]
