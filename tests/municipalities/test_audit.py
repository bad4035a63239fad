import pytest
from django.urls import reverse

from leerkring import audit
from leerkring.models import AuditEvent
from tests.factories import UserFactory


@pytest.mark.django_db
def test_failed_login_is_recorded_with_ip_but_without_password(client):
    UserFactory(email="iemand@example.org")
    client.post(
        reverse("account_login"),
        {"login": "iemand@example.org", "password": "geheim-fout"},
        REMOTE_ADDR="203.0.113.9",
    )
    event = AuditEvent.objects.get(action="login.failed")
    assert event.ip_address == "203.0.113.9"
    assert event.data == {"login": "iemand@example.org"}
    assert "geheim-fout" not in str(event.data)


@pytest.mark.django_db
def test_audit_events_cannot_be_changed_or_deleted():
    event = audit.record("test.event")
    event.action = "iets.anders"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk, action="test.event").exists()


def test_researcher_reads_the_circle_log_of_their_circle_only(world, as_role):
    audit.record("participation.status_changed", actor=world.researcher, circle=world.circle)
    audit.record("elders", actor=world.outsider, circle=world.other_circle)
    html = (
        as_role("researcher")
        .get(reverse("municipalities:audit_log", args=[world.circle.slug]))
        .content.decode()
    )
    assert "participation.status_changed" in html
    assert "elders" not in html


def test_admin_cannot_change_or_delete_audit_events(client, db):
    from allauth.mfa.models import Authenticator

    admin = UserFactory(is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=admin, type="totp", data={"secret": "JBSWY3DPEHPK3PXP"})
    event = audit.record("test.event")
    client.force_login(admin)
    assert client.get(reverse("admin:leerkring_auditevent_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:leerkring_auditevent_delete", args=[event.pk])).status_code == 403
    )
    client.post(reverse("admin:leerkring_auditevent_change", args=[event.pk]), {"action": "x"})
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"
