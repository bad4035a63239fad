"""Pages whose query count must not grow with the number of municipalities and members."""

import pytest
from django.urls import reverse

from municipalities.models import Role
from tests.factories import (
    CircleFactory,
    InvitationFactory,
    MembershipFactory,
    MunicipalityFactory,
    ParticipationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def settings_no_mfa(settings):
    settings.MFA_REQUIRED = False


def populate(circle, municipalities: int, members: int, invitations: int):
    places = [
        ParticipationFactory(circle=circle, municipality=MunicipalityFactory()).municipality
        for _ in range(municipalities)
    ]
    for number in range(members):
        MembershipFactory(
            circle=circle,
            role=Role.PARTICIPANT,
            municipality=places[number % len(places)],
        )
    InvitationFactory.create_batch(invitations, circle=circle, role=Role.TRAINER)


def count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", ["municipalities:circle", "municipalities:participants"])
@pytest.mark.parametrize("viewer", [Role.RESEARCHER, Role.PARTICIPANT])
def test_circle_overview_with_8_municipalities_and_200_members(
    client, django_assert_max_num_queries, settings_no_mfa, viewer, page
):
    circle = CircleFactory()
    small_place = ParticipationFactory(circle=circle).municipality
    me = UserFactory()
    MembershipFactory(
        user=me,
        circle=circle,
        role=viewer,
        municipality=small_place if viewer == Role.PARTICIPANT else None,
    )
    client.force_login(me)
    url = reverse(page, args=[circle.slug])
    small = count_queries(client, url, django_assert_max_num_queries, 12)
    populate(circle, municipalities=7, members=200, invitations=10)
    large = count_queries(client, url, django_assert_max_num_queries, small)
    assert large == small


def test_municipality_members_page_does_not_grow(
    client, django_assert_max_num_queries, settings_no_mfa
):
    circle = CircleFactory()
    place = ParticipationFactory(circle=circle).municipality
    me = MembershipFactory(circle=circle, role=Role.COORDINATOR, municipality=place).user
    client.force_login(me)
    url = reverse("municipalities:members", args=[circle.slug, place.cbs_code])
    small = count_queries(client, url, django_assert_max_num_queries, 12)
    MembershipFactory.create_batch(30, circle=circle, role=Role.PARTICIPANT, municipality=place)
    InvitationFactory.create_batch(
        10, circle=circle, role=Role.PARTICIPANT, municipality=place, invited_by=me
    )
    assert count_queries(client, url, django_assert_max_num_queries, small) == small
