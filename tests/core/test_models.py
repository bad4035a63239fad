import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from leerkring.models import Circle, User
from tests.factories import CircleFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_create_user_logs_in_by_lowercased_email():
    user = User.objects.create_user("Wieke.Blijleven@Example.ORG", "wachtwoord", name="Wieke")
    assert user.email == "wieke.blijleven@example.org"
    assert user.check_password("wachtwoord")
    assert not user.is_staff
    assert str(user) == "Wieke"


def test_email_is_unique_regardless_of_case():
    UserFactory(email="a@example.org")
    with pytest.raises(IntegrityError):
        User.objects.create(email="A@example.org")


def test_duplicate_email_is_a_validation_error_in_forms():
    UserFactory(email="a@example.org")
    with pytest.raises(ValidationError) as excinfo:
        User(email="A@Example.org", password="x").full_clean()
    assert "email" in excinfo.value.message_dict


def test_create_superuser_is_staff():
    admin = User.objects.create_superuser("beheer@example.org", "wachtwoord")
    assert admin.is_staff and admin.is_superuser
    assert str(admin) == "beheer@example.org"


def test_circle_end_before_start_is_an_error_on_the_end_date():
    circle = Circle(
        name="Kring",
        slug="kring",
        start_date=datetime.date(2019, 1, 1),
        end_date=datetime.date(2018, 1, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        circle.full_clean()
    assert list(excinfo.value.message_dict) == ["end_date"]


def test_database_refuses_circle_ending_before_start():
    with pytest.raises(IntegrityError):
        CircleFactory(start_date=datetime.date(2019, 1, 1), end_date=datetime.date(2018, 1, 1))


def test_partner_list_skips_blank_lines():
    circle = CircleFactory.build(partners="Tilburg University\n\n  Democratie in Actie  \n")
    assert circle.partner_list == ["Tilburg University", "Democratie in Actie"]


def test_visible_to_shows_the_circles_someone_is_a_member_of():
    mine, _theirs = CircleFactory.create_batch(2)
    participant = UserFactory()
    MembershipFactory(user=participant, circle=mine)
    assert list(Circle.objects.visible_to(participant)) == [mine]


def test_staff_without_membership_see_no_circle():
    """Staff manage circles in the administration; reading one takes a membership."""
    CircleFactory.create_batch(2)
    assert not Circle.objects.visible_to(UserFactory(is_staff=True)).exists()
