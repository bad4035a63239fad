"""The Django admin: only for those who can use it, and never around the services."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from leerkring.models import AuditEvent, User
from municipalities.models import Membership
from tests.factories import (
    CircleFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    MunicipalityFactory,
    ParticipationFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.MFA_REQUIRED = False  # MFA for staff has tests of its own


def staff_with(*codenames: str) -> User:
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def admin_links(html: str) -> set[str]:
    return {
        href
        for href in re.findall(r'href="([^"]+)"', html)
        if href.startswith("/beheer/") and not href.startswith("/beheer/jsi18n")
    }


def test_staff_without_admin_permissions_are_not_offered_the_admin(client):
    staff = staff_with()
    client.force_login(staff)
    assert reverse("admin:index") not in client.get(reverse("home")).content.decode()
    response = client.get(reverse("admin:index"), follow=True)
    # The admin sends them to its login, which refuses (and records it) rather than showing
    # an index that says they may see nothing.
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="permission.denied", actor=staff).exists()


def test_staff_with_some_admin_permissions_see_an_index_without_dead_ends(client):
    client.force_login(staff_with("view_user", "change_circle", "view_meeting", "add_meeting"))
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("admin:index")}"' in home

    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    links = admin_links(index.content.decode())
    assert reverse("admin:leerkring_user_changelist") in links
    assert reverse("admin:leerkring_circle_changelist") in links
    assert reverse("admin:meetings_meeting_changelist") in links
    # Nothing they may not open, and no way to add a meeting around the services.
    assert reverse("admin:meetings_meeting_add") not in links
    assert not any("registration" in link or "group" in link for link in links)
    for link in links:
        assert client.get(link).status_code in (200, 302), link


def test_superusers_and_permitted_staff_may_use_it_anonymous_people_log_in_through_allauth(
    client,
):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    response = client.get(reverse("admin:login"))
    assert response["Location"].startswith(reverse("account_login"))

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:index")).status_code == 200
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()


def test_the_admin_login_form_never_logs_anyone_in(client):
    """Logged in staff are sent on; Django's own login form (no MFA, no rate limit) is unused."""
    staff = UserFactory(is_staff=True, is_superuser=True)
    other = UserFactory(email="ander@example.org", is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.post(
        reverse("admin:login"), {"username": other.email, "password": "wachtwoord"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert int(client.session["_auth_user_id"]) == staff.pk


def test_admin_password_change_is_allauths(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:password_change"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_change_password")


@pytest.fixture
def circle_objects():
    circle = CircleFactory()
    breda = MunicipalityFactory(name="Breda", cbs_code="GM0758")
    participation = ParticipationFactory(circle=circle, municipality=breda)
    meeting = MeetingFactory(circle=circle, capacity=1)
    first = RegistrationFactory(meeting=meeting, status="confirmed")
    second = RegistrationFactory(meeting=meeting, status="waitlist")
    invitation = InvitationFactory(circle=circle)
    return {
        "meeting": meeting,
        "registration": second,
        "first": first,
        "invitation": invitation,
        "participation": participation,
        "event": AuditEvent.objects.create(action="test.event"),
    }


READ_ONLY = [
    ("meetings", "meeting", "meeting"),
    ("meetings", "registration", "registration"),
    ("municipalities", "invitation", "invitation"),
    ("municipalities", "participation", "participation"),
    ("leerkring", "auditevent", "event"),
]


@pytest.mark.parametrize(("app", "model", "key"), READ_ONLY)
def test_read_only_pages_refuse_changes_even_from_a_superuser(
    client, circle_objects, app, model, key
):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    obj = circle_objects[key]
    change = reverse(f"admin:{app}_{model}_change", args=[obj.pk])
    assert client.get(change).status_code == 200  # they may look
    assert client.post(change, {"title": "Anders", "status": "confirmed"}).status_code == 403
    assert AuditEvent.objects.filter(action="permission.denied", data__path=change).exists()
    assert client.get(reverse(f"admin:{app}_{model}_add")).status_code == 403
    assert client.post(reverse(f"admin:{app}_{model}_delete", args=[obj.pk])).status_code == 403
    changelist = reverse(f"admin:{app}_{model}_changelist")
    bulk = {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    client.post(changelist, bulk)
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_a_superuser_cannot_confirm_a_registration_past_capacity(client, circle_objects):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    waiting = circle_objects["registration"]
    change = reverse("admin:meetings_registration_change", args=[waiting.pk])
    response = client.post(
        change,
        {"meeting": waiting.meeting_id, "user": waiting.user_id, "status": "confirmed"},
    )
    assert response.status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == "waitlist"
    assert waiting.meeting.registrations.filter(status="confirmed").count() == 1


def test_memberships_are_granted_and_removed_through_the_services(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    circle = CircleFactory()
    person = UserFactory()
    response = client.post(
        reverse("admin:municipalities_membership_add"),
        {"user": person.pk, "circle": circle.pk, "role": "researcher"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=person, circle=circle)
    assert AuditEvent.objects.filter(action="role.granted", actor=admin_user).exists()
    change = reverse("admin:municipalities_membership_change", args=[membership.pk])
    assert client.post(change, {"role": "organiser"}).status_code == 403
    delete = reverse("admin:municipalities_membership_delete", args=[membership.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action="role.removed", actor=admin_user).exists()
    # Nobody removes their own role, in the admin neither.
    own = MembershipFactory(user=admin_user, circle=circle)
    own_delete = reverse("admin:municipalities_membership_delete", args=[own.pk])
    assert client.post(own_delete, {"post": "yes"}).status_code == 403


def test_staff_managing_accounts_cannot_raise_their_own_rights(client):
    staff = staff_with("view_user", "change_user", "view_group", "change_group")
    client.force_login(staff)
    change = reverse("admin:leerkring_user_change", args=[staff.pk])
    response = client.post(
        change,
        {
            "email": staff.email,
            "name": "Nieuwe naam",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "user_permissions": list(Permission.objects.values_list("pk", flat=True)),
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2020-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    staff.refresh_from_db()
    assert staff.name == "Nieuwe naam"
    assert not staff.is_superuser
    assert staff.user_permissions.count() == 4
    # Groups carry permissions: only superusers manage them.
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_accounts_and_circles_are_not_deleted_in_the_admin(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    person, circle = UserFactory(), CircleFactory()
    delete_user = reverse("admin:leerkring_user_delete", args=[person.pk])
    assert client.post(delete_user, {"post": "yes"}).status_code == 403
    delete_circle = reverse("admin:leerkring_circle_delete", args=[circle.pk])
    assert client.post(delete_circle, {"post": "yes"}).status_code == 403


def test_staff_cannot_take_over_other_staff_accounts(client):
    staff = staff_with("view_user", "change_user")
    superuser = UserFactory(email="super@example.org", is_staff=True, is_superuser=True)
    ordinary = UserFactory(email="gewoon@example.org")
    client.force_login(staff)
    password = reverse("admin:auth_user_password_change", args=[superuser.pk])
    response = client.post(
        password, {"password1": "Nieuw-wachtwoord-123", "password2": "Nieuw-wachtwoord-123"}
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert not superuser.check_password("Nieuw-wachtwoord-123")
    change = reverse("admin:leerkring_user_change", args=[superuser.pk])
    assert client.post(change, {"email": "attacker@evil.example"}).status_code == 403
    superuser.refresh_from_db()
    assert superuser.email == "super@example.org"
    # Ordinary accounts are theirs to manage.
    assert client.get(reverse("admin:leerkring_user_change", args=[ordinary.pk])).status_code == 200


def test_staff_cannot_give_themselves_a_role_in_a_circle(client):
    staff = staff_with("view_membership", "add_membership")
    circle = CircleFactory()
    client.force_login(staff)
    response = client.post(
        reverse("admin:municipalities_membership_add"),
        {"user": staff.pk, "circle": circle.pk, "role": "researcher"},
    )
    assert response.status_code == 200
    assert "Je kunt jezelf geen rol in een leerkring geven." in response.content.decode()
    assert not Membership.objects.filter(user=staff).exists()
