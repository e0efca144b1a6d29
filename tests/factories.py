"""factory_boy factories. Case records are built through the services where rules matter."""

import datetime

import factory

from accounts.models import Role, User
from employers.models import Competence, Employer
from partners.models import Partner, PartnerKind, Project
from trajectories.models import Action, ActionType, JobSeeker, Office, Region, Trajectory
from trajectories.validators import make_insz


def enterprise_number(n: int) -> str:
    """A valid enterprise number: 8 digits starting with 0, then 97 - (those mod 97)."""
    body = 2000000 + n
    return f"{body:08d}{97 - body % 97:02d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.MEDIATOR


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"OFF{n:02d}")
    name = factory.Sequence(lambda n: f"Kantoor {n}")
    region = factory.LazyFunction(lambda: Region.objects.get(code="antwerpen"))


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"partner{n}")
    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = PartnerKind.INTEGRATION_AGENCY


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"project{n}")
    name = factory.Sequence(lambda n: f"Project {n}")
    funding = "esf"
    starts_on = datetime.date(2017, 1, 1)
    ends_on = datetime.date(2027, 12, 31)


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"Werkgever {n}")
    enterprise_number = factory.Sequence(enterprise_number)


class JobSeekerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobSeeker

    birth_date = datetime.date(1990, 5, 17)
    insz = factory.Sequence(lambda n: make_insz(datetime.date(1990, 5, 17), n % 997 + 1))
    first_name = factory.Sequence(lambda n: f"Voornaam{n}")
    last_name = factory.Sequence(lambda n: f"Achternaam{n}")
    gender = "f"
    nationality = "SY"
    birth_nationality = "SY"
    mother_tongue = "ar"
    office = factory.SubFactory(OfficeFactory)


class TrajectoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trajectory

    job_seeker = factory.SubFactory(JobSeekerFactory)
    type = "integrated"
    started_on = datetime.date(2020, 1, 6)
    intake_office = factory.LazyAttribute(lambda t: t.job_seeker.office)
    intake_education_level = factory.LazyAttribute(lambda t: t.job_seeker.education_level)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    trajectory = factory.SubFactory(TrajectoryFactory)
    action_type = factory.LazyFunction(lambda: ActionType.objects.get(code="dutch_course"))
    started_on = factory.LazyAttribute(lambda a: a.trajectory.started_on)
    status = "ongoing"


def competence(code: str = "teamwork") -> Competence:
    return Competence.objects.get(code=code)
