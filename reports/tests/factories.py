import factory

from liaison.models import User
from liaison.tests.factories import UserFactory
from reports.models import GeneratedReport


class GeneratedReportFactory(factory.django.DjangoModelFactory):
    """A report asked for and not started yet; pass ``status`` (and files) for a later step."""

    class Meta:
        model = GeneratedReport

    kind = GeneratedReport.Kind.LEDGER
    title = factory.Sequence(lambda n: f"签约项目台账 {n}")
    requested_by = factory.SubFactory(UserFactory, role=User.Role.OFFICIAL, organisation=None)
