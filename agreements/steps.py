"""The lifecycle steps the agreement page offers: for each, its form, the service of
``agreements.kinds`` it calls, when the kind and status allow it, and who may take it. The
page shows only the steps of the agreement's kind that its lifecycle allows next; the API
(``agreements.api.kinds``) calls the same services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from agreements import forms, kinds, lifecycles
from agreements.models import Agreement
from liaison import permissions

Status = Agreement.Status
Lifecycle = Agreement.Lifecycle


@dataclass(frozen=True)
class Step:
    name: str
    title: Promise
    form: type[forms.StepForm]
    service: Callable
    success: Promise
    lifecycle: str | None  # None: any kind
    allowed: Callable[[Agreement], bool]
    by_reporter: bool = False  # a party's member may take it too

    def offered(self, agreement: Agreement) -> bool:
        return (self.lifecycle in (None, agreement.lifecycle)) and self.allowed(agreement)

    def permitted(self, user, agreement: Agreement) -> bool:
        if self.by_reporter:
            return permissions.can_report_progress(user, agreement)
        return permissions.can_write(user)

    def take(self, agreement: Agreement, form: forms.StepForm, *, actor):
        return self.service(agreement, actor=actor, **form.arguments())


def _next(status: str) -> Callable[[Agreement], bool]:
    return lambda agreement: status in lifecycles.allowed_next(agreement)


def _in(*statuses: str) -> Callable[[Agreement], bool]:
    return lambda agreement: agreement.status in statuses


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step(
            "register",
            _("Register the project"),
            forms.RegisterProjectForm,
            kinds.register_project,
            _("The project company and site were recorded."),
            Lifecycle.PROJECT,
            _next(Status.REGISTERED),
        ),
        Step(
            "delivery",
            _("Record a delivery"),
            forms.DeliveryForm,
            kinds.record_delivery,
            _("The delivery was recorded."),
            Lifecycle.PURCHASE,
            _in(Status.SIGNED, Status.PARTLY_DELIVERED, Status.DELIVERED),
        ),
        Step(
            "mechanism",
            _("Set up the working mechanism"),
            forms.WorkingMechanismForm,
            kinds.set_up_working_mechanism,
            _("The working mechanism was recorded."),
            Lifecycle.FRAMEWORK,
            _in(Status.SIGNED),
        ),
        Step(
            "introduce",
            _("Introduce a project"),
            forms.IntroduceProjectForm,
            kinds.introduce_project,
            _("The project was linked to this agreement."),
            Lifecycle.FRAMEWORK,
            _in(Status.MECHANISM_SET_UP, Status.PROJECTS_INTRODUCED),
        ),
        Step(
            "note",
            _("Write a negotiation note"),
            forms.NegotiationNoteForm,
            kinds.record_negotiation_note,
            _("The negotiation note was recorded."),
            Lifecycle.INTENTION,
            _in(Status.SIGNED, Status.NEGOTIATING),
            by_reporter=True,
        ),
        Step(
            "convert",
            _("Convert into a project agreement"),
            forms.ConvertIntentionForm,
            kinds.convert_intention,
            _("The intention was converted into a project agreement."),
            Lifecycle.INTENTION,
            _in(Status.NEGOTIATING),
        ),
        Step(
            "lapse",
            _("Let the intention lapse"),
            forms.LapseForm,
            kinds.lapse_intention,
            _("The intention lapsed."),
            Lifecycle.INTENTION,
            _next(Status.LAPSED),
        ),
        Step(
            "suspend",
            _("Suspend"),
            forms.SuspendForm,
            kinds.suspend_agreement,
            _("The agreement was suspended."),
            None,
            _next(Status.STALLED),
        ),
        Step(
            "terminate",
            _("Terminate"),
            forms.TerminateForm,
            kinds.terminate_agreement,
            _("The agreement was terminated."),
            None,
            _next(Status.TERMINATED),
        ),
    )
}

# The steps that have their own form, so the plain status change does not offer them.
OWN_FORM_STATUSES = {Status.STALLED, Status.TERMINATED, Status.LAPSED}

# What counts as 落实落地 for each kind.
LANDED = {
    Lifecycle.PROJECT: _("A project has landed once it is in operation (投产/运营)."),
    Lifecycle.PURCHASE: _(
        "A purchase has landed once every goods line is delivered in its contracted quantity."
    ),
    Lifecycle.FRAMEWORK: _(
        "A framework has landed once its working mechanism is set up and a first project is "
        "introduced under it."
    ),
    Lifecycle.INTENTION: _(
        "An investment intention has landed once it is converted into a project agreement."
    ),
}


def offered_steps(user, agreement: Agreement) -> list[Step]:
    return [
        step
        for step in STEPS.values()
        if step.offered(agreement) and step.permitted(user, agreement)
    ]
