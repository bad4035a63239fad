import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from leerkring.models import Circle, User

pytestmark = pytest.mark.django_db


def seed(*args: str, capsys) -> list[str]:
    call_command("seed_demo", *args)
    return capsys.readouterr().out.strip().splitlines()


def test_seed_demo_creates_the_circles_and_prints_one_line_per_account(capsys):
    lines = seed(capsys=capsys)
    assert set(Circle.objects.values_list("name", "start_date__year")) == {
        ("Ambtelijk vakmanschap in de participatiemaatschappij", 2017),
        ("Leergang Democratisch vakmanschap", 2020),
    }
    assert len(lines) == User.objects.count() >= 3
    roles = {line.split("  ")[0].strip(): line.split()[-1] for line in lines}
    assert roles["researcher"] == "onderzoeker@example.org"
    assert roles["organiser"] == "organisator@example.org"
    researcher = User.objects.get(email="onderzoeker@example.org")
    assert researcher.is_staff and researcher.check_password("leerkring-demo")
    assert EmailAddress.objects.filter(user=researcher, verified=True, primary=True).exists()


def test_seed_demo_is_idempotent(capsys):
    first = seed(capsys=capsys)
    second = seed(capsys=capsys)
    assert first == second
    assert Circle.objects.count() == 2
    assert User.objects.count() == len(first)
    assert EmailAddress.objects.count() == len(first)


def test_seed_demo_password_option_resets_demo_passwords(capsys):
    seed(capsys=capsys)
    seed("--password", "ander-wachtwoord-9", capsys=capsys)
    assert User.objects.get(email="organisator@example.org").check_password("ander-wachtwoord-9")


def test_seed_demo_has_every_role_and_civil_servants_in_three_municipalities(capsys):
    from municipalities.models import Membership, Participation

    lines = seed(capsys=capsys)
    labels = " ".join(lines)
    for role in ("researcher", "organiser", "coordinator", "civil servant", "trainer"):
        assert role in labels
    first = Circle.objects.get(slug="ambtelijk-vakmanschap")
    places = set(
        Membership.objects.filter(circle=first, role="participant").values_list(
            "municipality__name", flat=True
        )
    )
    assert len(places) >= 3
    statuses = set(Participation.objects.filter(circle=first).values_list("status", flat=True))
    assert statuses == {"interested", "intake", "participating", "withdrawn"}
    assert Participation.objects.filter(circle=first).count() == 7
