"""The conversation about a reflection (author ↔ researchers, with e-mails through the outbox)
and the invitation to reflect that everyone who attended a meeting gets once."""

import datetime

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from leerkring.models import AuditEvent, OutgoingEmail
from municipalities.models import Role
from municipalities.rules import forget_memberships
from reflections import tasks
from reflections.models import Comment, MeetingPrompt
from reflections.views import conversation_context
from sessions import services as meeting_services
from sessions.models import Meeting
from tests.factories import (
    FrameworkFactory,
    MeetingFactory,
    MembershipFactory,
    ReflectionFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def reflection_of(world, visibility="researchers", status="submitted", author=None):
    return ReflectionFactory(
        circle=world.circle,
        author=author or world.participant,
        municipality=world.breda,
        visibility=visibility,
        status=status,
        submitted_at=timezone.now() if status == "submitted" else None,
        title="Het buurtbudget van de Haagse Beemden",
    )


def comment_url(reflection):
    return reverse("reflections:comment_add", args=[reflection.circle.slug, reflection.pk])


def post_comment(client, reflection, text, capture):
    with capture(execute=True):
        return client.post(comment_url(reflection), {"text": text})


def mailed_to(**filters) -> list[str]:
    return sorted(OutgoingEmail.objects.filter(**filters).values_list("to", flat=True))


@pytest.fixture
def second_researcher(world):
    user = UserFactory(email="tweede.onderzoeker@example.org", name="Tweede Onderzoeker")
    MembershipFactory(user=user, circle=world.circle, role=Role.RESEARCHER)
    return user


# --- Conversation ---


def test_the_authors_comment_goes_to_the_circles_researchers(
    world, as_role, second_researcher, django_capture_on_commit_callbacks
):
    reflection = reflection_of(world)
    response = post_comment(
        as_role("participant"),
        reflection,
        "Mag ik het budget ook aan jongeren geven?",
        django_capture_on_commit_callbacks,
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reflection.get_absolute_url()}#comment-{comment.pk}"
    assert (comment.author, comment.reflection) == (world.participant, reflection)
    # The researchers of this circle, not the outsider (a researcher elsewhere), not the
    # organiser, not the author.
    assert mailed_to() == ["researcher@example.org", "tweede.onderzoeker@example.org"]
    email = OutgoingEmail.objects.filter(to="researcher@example.org").get()
    assert f"{settings.SITE_URL}{reflection.get_absolute_url()}#comment-{comment.pk}" in email.body
    assert "Mag ik het budget ook aan jongeren geven?" in email.body
    assert email.sent_at is not None  # delivered after commit
    event = AuditEvent.objects.get(action="reflection.commented")
    assert (event.actor, event.circle, event.target_id) == (
        world.participant,
        world.circle,
        str(reflection.pk),
    )
    assert event.data == {"comment": comment.pk}


def test_a_researchers_comment_goes_to_the_author(
    world, as_role, second_researcher, django_capture_on_commit_callbacks
):
    reflection = reflection_of(world, visibility="circle")
    response = post_comment(
        as_role("researcher"),
        reflection,
        "Welke rol nam je toen de wethouder zich ermee bemoeide?",
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    assert mailed_to() == ["participant@example.org"]


def test_no_mail_without_anyone_on_the_other_side(
    world, as_role, django_capture_on_commit_callbacks
):
    """A private draft: the author may note something in it; no researcher may read it."""
    reflection = reflection_of(world, visibility="private", status="draft")
    response = post_comment(
        as_role("participant"), reflection, "Nog uitzoeken", django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert Comment.objects.count() == 1
    assert OutgoingEmail.objects.count() == 0


def test_a_researcher_who_may_not_read_it_is_not_mailed(
    world, as_role, django_capture_on_commit_callbacks
):
    reflection = reflection_of(world, visibility="researchers", status="draft")
    post_comment(as_role("participant"), reflection, "Concept", django_capture_on_commit_callbacks)
    assert OutgoingEmail.objects.count() == 0


@pytest.mark.parametrize(
    ("person", "visibility", "status_code"),
    [
        ("organiser", "circle", 403),
        ("trainer", "circle", 403),
        ("coordinator", "municipality", 403),  # reads Breda's shared reflections
        ("other_coordinator", "circle", 403),
        ("other_coordinator", "municipality", 404),
        ("organiser", "researchers", 404),
        ("researcher", "private", 404),
        ("outsider", "circle", 404),
        ("staff", "circle", 404),
    ],
)
def test_only_the_author_and_researchers_who_read_it_may_comment(
    world, as_role, person, visibility, status_code, django_capture_on_commit_callbacks
):
    reflection = reflection_of(world, visibility=visibility)
    response = post_comment(
        as_role(person), reflection, "Ik doe ook mee", django_capture_on_commit_callbacks
    )
    assert response.status_code == status_code
    assert Comment.objects.count() == 0
    assert OutgoingEmail.objects.count() == 0
    refused = AuditEvent.objects.filter(action="permission.denied", actor=world.users[person])
    assert refused.exists() == (status_code == 403)


def test_an_empty_or_overlong_comment_is_shown_again(world, as_role):
    reflection = reflection_of(world)
    client = as_role("participant")
    assert client.post(comment_url(reflection), {"text": "   "}).status_code == 400
    response = client.post(comment_url(reflection), {"text": "x" * 1001})
    assert response.status_code == 400
    assert "x" * 1001 in response.content.decode()  # nothing the person wrote is lost
    assert Comment.objects.count() == 0


def test_only_post(world, as_role):
    assert as_role("participant").get(comment_url(reflection_of(world))).status_code == 405


def _render(world, person, reflection):
    request = RequestFactory().get("/")
    request.user = world.users[person]
    forget_memberships(request.user)
    template = Template("{% load conversation %}{% reflection_conversation reflection %}")
    return template.render(Context({"request": request, "reflection": reflection}))


def test_the_conversation_shows_comments_and_the_form_to_who_may_take_part(world):
    reflection = reflection_of(world, visibility="circle")
    Comment.objects.create(
        reflection=reflection, author=world.researcher, text="<script>alert(1)</script>Goed!"
    )
    for person in ("participant", "researcher"):
        html = _render(world, person, reflection)
        assert "Goed!" in html and "<script>" not in html
        assert comment_url(reflection) in html
    # The organiser reads the reflection but not the conversation, and gets no form.
    html = _render(world, "organiser", reflection)
    assert "Goed!" not in html and comment_url(reflection) not in html


def test_conversation_context_takes_one_query_for_the_comments(
    world, rf, django_assert_num_queries
):
    reflection = reflection_of(world, visibility="circle")
    for number in range(5):
        Comment.objects.create(reflection=reflection, author=world.researcher, text=f"{number}")
    request = rf.get("/")
    request.user = world.participant
    request.user.has_perm("reflections.view_reflection", reflection)  # memberships loaded
    with django_assert_num_queries(1):
        context = conversation_context(request, reflection)
        assert [c.author.name for c in context["comments"]] == ["Researcher"] * 5
    assert context["comment_form"] is not None


# --- After a meeting ---


@pytest.fixture
def held_meeting(world):
    """A meeting that took place last week, with its attendance still to be recorded."""
    starts_at = timezone.now() - datetime.timedelta(days=7)
    meeting = MeetingFactory(
        circle=world.circle,
        title="Najaarsbijeenkomst",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
    )
    registrations = {
        person: RegistrationFactory(meeting=meeting, user=world.users[person])
        for person in ("participant", "coordinator", "trainer", "researcher", "organiser")
    }
    RegistrationFactory(meeting=meeting, user=UserFactory(), status="waitlist")
    return meeting, registrations


def present(registrations, *people) -> set[int]:
    return {registrations[person].pk for person in people}


def test_who_attended_is_invited_once_to_reflect(
    world, held_meeting, django_capture_on_commit_callbacks
):
    meeting, registrations = held_meeting
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.set_attendance(
            meeting,
            present(registrations, "participant", "coordinator", "researcher"),
            by=world.organiser,
        )
    # Those who attended and write reflections; not the trainer (absent), not the researcher
    # (who does not write reflections), not the waiting list.
    assert mailed_to() == ["coordinator@example.org", "participant@example.org"]
    link = (
        f"{settings.SITE_URL}{reverse('reflections:new', args=[world.circle.slug])}"
        f"?bijeenkomst={meeting.pk}"
    )
    assert all(link in body for body in OutgoingEmail.objects.values_list("body", flat=True))
    assert MeetingPrompt.objects.filter(meeting=meeting).count() == 2

    # Attendance corrected, minutes saved, the task run again by hand: nobody gets a second one.
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.set_attendance(
            meeting, present(registrations, "participant", "coordinator"), by=world.organiser
        )
        meeting = Meeting.objects.get(pk=meeting.pk)
        meeting.minutes = "We spraken over het uitdaagrecht."
        meeting_services.save_meeting(meeting, by=world.organiser)
    assert tasks.send_meeting_prompts.delay(meeting.pk).get() == 0
    assert tasks.send_meeting_prompts.delay(meeting.pk).get() == 0
    assert OutgoingEmail.objects.count() == 2

    # Someone marked present later still gets theirs, once.
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.set_attendance(
            meeting,
            present(registrations, "participant", "coordinator", "trainer"),
            by=world.organiser,
        )
    assert tasks.send_meeting_prompts.delay(meeting.pk).get() == 0
    assert mailed_to(to="trainer@example.org") == ["trainer@example.org"]
    assert OutgoingEmail.objects.count() == 3


def test_saving_the_minutes_invites_those_recorded_as_present(
    world, held_meeting, django_capture_on_commit_callbacks
):
    meeting, registrations = held_meeting
    registrations["participant"].attended = True
    registrations["participant"].save(update_fields=["attended"])
    with django_capture_on_commit_callbacks(execute=True):
        meeting.minutes = "Verslag van de najaarsbijeenkomst."
        meeting_services.save_meeting(meeting, by=world.organiser)
    assert mailed_to() == ["participant@example.org"]
    # Saving the meeting again without changing the minutes sends nothing and wakes nothing.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        meeting.place = "Stadskantoor"
        meeting_services.save_meeting(meeting, by=world.organiser)
    assert OutgoingEmail.objects.count() == 1
    assert len(callbacks) == 0


def test_nothing_is_sent_until_the_transaction_commits(
    world, held_meeting, django_capture_on_commit_callbacks
):
    meeting, registrations = held_meeting
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        meeting_services.set_attendance(
            meeting, present(registrations, "participant"), by=world.organiser
        )
    assert len(callbacks) == 1
    assert OutgoingEmail.objects.count() == MeetingPrompt.objects.count() == 0


def test_the_invitation_opens_a_new_reflection_linked_to_the_meeting(
    world, as_role, held_meeting, django_capture_on_commit_callbacks
):
    FrameworkFactory(circle=world.circle)
    meeting, registrations = held_meeting
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.set_attendance(
            meeting, present(registrations, "participant"), by=world.organiser
        )
    body = OutgoingEmail.objects.get(to="participant@example.org").body
    path = body[body.index(settings.SITE_URL) + len(settings.SITE_URL) :].split()[0]
    response = as_role("participant").get(path)
    assert response.status_code == 200
    assert f'<option value="{meeting.pk}" selected>' in response.content.decode()


def test_an_author_who_left_the_circle_is_not_mailed(
    world, as_role, django_capture_on_commit_callbacks
):
    reflection = reflection_of(world, visibility="researchers")
    world.memberships["participant"].delete()
    forget_memberships(world.participant)
    response = post_comment(
        as_role("researcher"), reflection, "Nog een vraag.", django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert mailed_to() == []


def test_a_title_with_a_line_break_still_gives_a_one_line_subject(
    world, as_role, django_capture_on_commit_callbacks
):
    from reflections.forms import ReflectionForm

    form = ReflectionForm.__new__(ReflectionForm)
    form.cleaned_data = {"title": "Titel\nBcc: evil@example.org"}
    assert form.clean_title() == "Titel Bcc: evil@example.org"
    reflection = reflection_of(world, visibility="circle")
    reflection.title = "Titel\r\nBcc: evil@example.org"  # as older rows might hold it
    reflection.save()
    post_comment(as_role("researcher"), reflection, "Vraag", django_capture_on_commit_callbacks)
    [email] = OutgoingEmail.objects.all()
    assert "\n" not in email.subject and "\r" not in email.subject
    assert email.status != OutgoingEmail.Status.FAILED
