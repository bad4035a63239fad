import pytest
from django.urls import reverse

from leerkring.models import AuditEvent
from municipalities import services
from municipalities.models import Municipality, Participation, StatusChange
from tests.factories import MunicipalityFactory

Status = Participation.Status


def test_status_moves_along_and_keeps_a_dated_history(world):
    participation = services.add_participation(
        world.circle, MunicipalityFactory(name="Zwolle"), by=world.researcher
    )
    for step in (Status.INTAKE, Status.PARTICIPATING, Status.COMPLETED):
        participation = services.change_participation_status(
            participation, step, by=world.researcher, note=f"naar {step}"
        )
    history = list(participation.history.values_list("from_status", "to_status", "note"))
    assert history == [
        ("", "interested", ""),
        ("interested", "intake", "naar intake"),
        ("intake", "participating", "naar participating"),
        ("participating", "completed", "naar completed"),
    ]
    assert AuditEvent.objects.filter(action="participation.status_changed").count() == 3


def test_a_status_cannot_skip_steps(world):
    participation = services.add_participation(
        world.circle, MunicipalityFactory(), by=world.researcher
    )
    with pytest.raises(services.ServiceError):
        services.change_participation_status(participation, Status.COMPLETED, by=world.researcher)
    participation.refresh_from_db()
    assert participation.status == Status.INTERESTED
    assert participation.history.count() == 1


def test_researcher_moves_status_on_the_page(world, as_role):
    client = as_role("researcher")
    url = reverse("municipalities:participation_status", args=[world.circle.slug, "GM0758"])
    response = client.post(url, {"to_status": "completed", "note": "Afgerond in juni"})
    assert response.status_code == 302
    assert Participation.objects.get(municipality=world.breda).status == "completed"
    page = client.get(reverse("municipalities:municipality", args=[world.circle.slug, "GM0758"]))
    assert "Afgerond in juni" in page.content.decode()


def test_an_impossible_status_is_an_error_next_to_the_field_and_keeps_the_note(world, as_role):
    client = as_role("researcher")
    url = reverse("municipalities:participation_status", args=[world.circle.slug, "GM0758"])
    response = client.post(url, {"to_status": "interested", "note": "Mijn notitie"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_to_status_error"' in html
    assert "Mijn notitie" in html
    assert Participation.objects.get(municipality=world.breda).status == "participating"
    assert StatusChange.objects.filter(participation__municipality=world.breda).count() == 0


def test_intake_notes_are_for_researchers_only(world, as_role):
    Participation.objects.filter(municipality=world.breda).update(
        intake_notes="Wethouder twijfelt nog"
    )
    url = reverse("municipalities:municipality", args=[world.circle.slug, "GM0758"])
    assert "Wethouder twijfelt nog" in as_role("researcher").get(url).content.decode()
    for person in ("organiser", "coordinator", "participant", "trainer"):
        client = as_role(person)
        assert "Wethouder twijfelt nog" not in client.get(url).content.decode(), person
        client.logout()


def test_circle_counts_participating_municipalities_against_its_target(world, as_role):
    services.add_participation(world.circle, MunicipalityFactory(), by=world.researcher)
    html = (
        as_role("participant")
        .get(reverse("municipalities:participants", args=[world.circle.slug]))
        .content.decode()
    )
    assert "2 gemeenten nemen deel; de leerkring zoekt er 5 tot 8." in html


@pytest.mark.parametrize(
    ("code", "message"),
    [("GM12", "GM gevolgd door vier cijfers"), ("gm0758", "GM gevolgd door vier cijfers")],
)
def test_malformed_cbs_code_is_an_error_on_the_field(world, as_role, code, message):
    response = as_role("researcher").post(
        reverse("municipalities:municipality_new", args=[world.circle.slug]),
        {"name": "Nieuwegein", "cbs_code": code, "province": "UT"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_cbs_code_error"' in html and message in html
    assert 'value="Nieuwegein"' in html
    assert not Municipality.objects.filter(name="Nieuwegein").exists()


def test_duplicate_cbs_code_is_an_error_on_the_field(world, as_role):
    response = as_role("researcher").post(
        reverse("municipalities:municipality_new", args=[world.circle.slug]),
        {"name": "Nog een Breda", "cbs_code": "GM0758", "province": "NB"},
    )
    html = response.content.decode()
    assert 'id="id_cbs_code_error"' in html
    assert "bestaat al een gemeente met deze CBS-code" in html
    assert Municipality.objects.filter(cbs_code="GM0758").count() == 1


def test_new_municipality_joins_the_circle_as_interested(world, as_role):
    response = as_role("researcher").post(
        reverse("municipalities:municipality_new", args=[world.circle.slug]),
        {"name": "Nieuwegein", "cbs_code": "GM0356", "province": "UT", "website": "nieuwegein.nl"},
    )
    assert response.status_code == 302
    participation = Participation.objects.get(municipality__cbs_code="GM0356")
    assert participation.circle == world.circle and participation.status == "interested"
    assert participation.municipality.website == "https://nieuwegein.nl"


def test_coordinator_edits_own_municipality_but_not_its_cbs_code(world, as_role):
    client = as_role("coordinator")
    url = reverse("municipalities:municipality_edit", args=[world.circle.slug, "GM0758"])
    response = client.post(
        url, {"name": "Breda", "province": "NB", "inhabitants": "190000", "cbs_code": "GM9999"}
    )
    assert response.status_code == 302
    world.breda.refresh_from_db()
    assert world.breda.inhabitants == 190000
    assert world.breda.cbs_code == "GM0758"
    assert AuditEvent.objects.filter(
        action="municipality.changed", actor=world.coordinator
    ).exists()


def test_coordinator_cannot_change_another_municipality(world, as_role):
    client = as_role("coordinator")
    url = reverse("municipalities:municipality_edit", args=[world.circle.slug, "GM0855"])
    response = client.post(url, {"name": "Tilburg!", "province": "NB"})
    assert response.status_code == 403
    world.tilburg.refresh_from_db()
    assert world.tilburg.name == "Tilburg"
    event = AuditEvent.objects.get(action="permission.denied")
    assert event.actor == world.coordinator and event.circle == world.circle
    assert event.data["path"] == url


def test_researcher_edits_the_core_questions_with_the_circle(world, as_role):
    from leerkring.models import CoreQuestion

    question = CoreQuestion.objects.create(circle=world.circle, number=1, text="Oude vraag")
    data = {
        "name": world.circle.name,
        "start_date": "2017-09-01",
        "end_date": "2019-08-31",
        "target_min_municipalities": "5",
        "target_max_municipalities": "8",
        "vragen-TOTAL_FORMS": "2",
        "vragen-INITIAL_FORMS": "1",
        "vragen-MIN_NUM_FORMS": "0",
        "vragen-MAX_NUM_FORMS": "1000",
        "vragen-0-id": str(question.pk),
        "vragen-0-number": "1",
        "vragen-0-text": "Hoe verbind je participatie met interne processen?",
        "vragen-1-number": "2",
        "vragen-1-text": "Hoe ga je om met spanningen tussen initiatief en regels?",
    }
    url = reverse("municipalities:circle_edit", args=[world.circle.slug])
    response = as_role("researcher").post(url, data)
    assert response.status_code == 302
    assert list(CoreQuestion.objects.filter(circle=world.circle).values_list("number", "text")) == [
        (1, "Hoe verbind je participatie met interne processen?"),
        (2, "Hoe ga je om met spanningen tussen initiatief en regels?"),
    ]
    event = AuditEvent.objects.get(action="circle.changed")
    assert "core_questions" in event.data["fields"]
    # A duplicate number is an error on the row, and nothing is saved.
    data["vragen-1-number"] = "1"
    data["vragen-1-id"] = str(CoreQuestion.objects.get(number=2).pk)
    data["vragen-INITIAL_FORMS"] = "2"
    response = as_role("researcher").post(url, data)
    assert response.status_code == 200
    assert CoreQuestion.objects.filter(number=2).exists()


def test_a_refusal_shows_our_403_page(world, as_role):
    response = as_role("participant").get(
        reverse("municipalities:intake_notes", args=[world.circle.slug, "GM0758"])
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "Geen toegang" in html and '<main id="main"' in html
