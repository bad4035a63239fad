import datetime

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from leerkring.models import Circle, User

PASSWORD = "een-goed-wachtwoord-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persoon{n}@example.org")
    name = factory.Faker("name", locale="nl_NL")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        """Accounts made through invitations have a verified address; so do ours by default."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class CircleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Circle

    name = factory.Sequence(lambda n: f"Leerkring {n}")
    slug = factory.Sequence(lambda n: f"leerkring-{n}")
    kind = Circle.Kind.CIRCLE
    start_date = datetime.date(2017, 9, 1)
    end_date = datetime.date(2019, 8, 31)
    description = "Halfjaarlijkse bijeenkomsten voor gezamenlijke reflectie."


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "municipalities.Municipality"
        django_get_or_create = ["cbs_code"]

    name = factory.Sequence(lambda n: f"Gemeente {n}")
    cbs_code = factory.Sequence(lambda n: f"GM{1000 + n % 9000:04d}")
    province = "NB"


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "municipalities.Participation"

    circle = factory.SubFactory(CircleFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    status = "participating"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "municipalities.Membership"

    user = factory.SubFactory(UserFactory)
    circle = factory.SubFactory(CircleFactory)
    role = "researcher"
    municipality = None


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "municipalities.Invitation"

    circle = factory.SubFactory(CircleFactory)
    email = factory.Sequence(lambda n: f"uitgenodigd{n}@example.org")
    role = "organiser"
    municipality = None
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Meeting"

    circle = factory.SubFactory(CircleFactory)
    kind = "reflection"
    title = factory.Sequence(lambda n: f"Bijeenkomst {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=3))
    place = "Stadhuis"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.AgendaItem"

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Agendapunt {n}")


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Registration"

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)
    status = "confirmed"


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Outcome"

    meeting = factory.SubFactory(MeetingFactory)
    kind = "challenge"
    text = factory.Sequence(lambda n: f"Uitkomst {n}")


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reflections.Framework"

    circle = factory.SubFactory(CircleFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = "published"
    published_at = factory.LazyFunction(timezone.now)


class ReflectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reflections.Reflection"

    circle = factory.SubFactory(CircleFactory)
    author = factory.SubFactory(UserFactory)
    framework = factory.LazyAttribute(
        lambda o: (
            FrameworkFactory(circle=o.circle)
            if not o.circle.frameworks.filter(status="published").exists()
            else o.circle.frameworks.filter(status="published").first()
        )
    )
    title = factory.Sequence(lambda n: f"Reflectie {n}")
    status = "submitted"
    submitted_at = factory.LazyFunction(timezone.now)
