"""Free text has a size a person would write, said next to the field; minutes are rendered once,
when they are saved, not on every view."""

import importlib
from unittest import mock

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from leerkring import text_limits
from sessions import services
from sessions.models import Meeting
from tests.factories import MeetingFactory

# Text no person types into a form: e-mails the platform composed, errors it recorded, HTML it
# rendered from bounded Markdown.
NOT_TYPED_BY_PEOPLE = {
    "leerkring.OutgoingEmail.body",
    "leerkring.OutgoingEmail.html_body",
    "leerkring.OutgoingEmail.last_error",
    "meetings.Meeting.minutes_html",
}
# A CharField longer than this is a text area in disguise; URLs and e-mail addresses have the
# length their standards give them.
LONGEST_ONE_LINER = 255


def text_fields():
    for label in ("leerkring", "municipalities", "meetings"):
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if isinstance(field, (models.TextField, models.CharField)):
                    yield f"{label}.{model.__name__}.{field.name}", field


@pytest.mark.parametrize(("name", "field"), list(text_fields()), ids=lambda v: str(v))
def test_every_free_text_field_has_a_bound_a_person_would_write(name, field):
    if name in NOT_TYPED_BY_PEOPLE:
        return
    assert field.max_length, f"{name} has no max_length"
    if isinstance(field, models.TextField):
        assert field.max_length <= text_limits.MINUTES, name
    elif not isinstance(field, (models.EmailField, models.URLField)):
        assert field.max_length <= LONGEST_ONE_LINER, name


def url(name, world, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"slug": world.circle.slug, **kwargs})


def test_minutes_beyond_the_limit_are_refused_with_a_message(world, as_role):
    client = as_role("organiser")
    response = client.post(
        url("minutes", world, pk=world.meeting.pk), {"minutes": "x" * (text_limits.MINUTES + 1)}
    )
    assert response.status_code == 200
    assert "20.000" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    world.meeting.refresh_from_db()
    assert world.meeting.minutes == ""


def test_minutes_up_to_the_limit_are_saved(world, as_role):
    client = as_role("organiser")
    response = client.post(
        url("minutes", world, pk=world.meeting.pk), {"minutes": "x" * text_limits.MINUTES}
    )
    assert response.status_code == 302
    world.meeting.refresh_from_db()
    assert len(world.meeting.minutes) == text_limits.MINUTES


def test_the_limit_is_shown_next_to_the_field_and_read_with_it(world, as_role):
    html = as_role("organiser").get(url("minutes", world, pk=world.meeting.pk)).content.decode()
    assert 'id="id_minutes_limit"' in html
    assert "Maximaal 20.000 tekens" in html
    assert 'maxlength="20000"' in html
    assert 'aria-describedby="id_minutes_helptext id_minutes_limit"' in html


def test_every_form_shows_its_limits_without_saying_so_itself(world, as_role):
    """One template does it: the circle form's description and partners both show 2.000."""
    html = (
        as_role("researcher")
        .get(reverse("municipalities:circle_edit", args=[world.circle.slug]))
        .content.decode()
    )
    assert html.count("Maximaal 2.000 tekens") >= 2
    assert 'id="id_description_limit"' in html


def test_minutes_are_rendered_and_sanitised_when_saved(world, as_role):
    client = as_role("organiser")
    client.post(
        url("minutes", world, pk=world.meeting.pk),
        {"minutes": "**Besproken**\n\n<script>alert(1)</script>\n\n[link](javascript:alert(1))"},
    )
    world.meeting.refresh_from_db()
    assert "<strong>Besproken</strong>" in world.meeting.minutes_html
    assert "<script>" not in world.meeting.minutes_html
    assert 'href="javascript:' not in world.meeting.minutes_html


def test_viewing_a_meeting_does_not_render_markdown(world, as_role):
    world.meeting.minutes = "# Verslag\n\n- eerste punt"
    services.save_meeting(world.meeting, by=world.organiser)
    client = as_role("participant")
    with mock.patch(
        "leerkring.markdown._markdown.render", side_effect=AssertionError("rendered on view")
    ):
        html = client.get(url("detail", world, pk=world.meeting.pk)).content.decode()
    assert "<li>eerste punt</li>" in html


def test_the_data_migration_renders_minutes_saved_before_it(db):
    meeting = MeetingFactory(minutes="Vóór de migratie: **vet**")
    Meeting.objects.filter(pk=meeting.pk).update(minutes_html="")
    migration = importlib.import_module("sessions.migrations.0003_render_stored_minutes")
    migration.render_minutes(apps, None)
    meeting.refresh_from_db()
    assert meeting.minutes_html == "<p>Vóór de migratie: <strong>vet</strong></p>\n"
