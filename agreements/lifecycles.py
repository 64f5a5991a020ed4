"""The life of each kind of agreement: which status may follow which, and which facts a step
needs. Projects are built, purchases are delivered, frameworks take effect, intentions convert;
any of them can be stalled (suspended) or terminated with a reason.

A stalled agreement resumes at any open step of its lifecycle or is terminated; the closed
statuses take no further step.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce

from agreements.models import QUANTITY, Agreement, GoodsLine

Status = Agreement.Status
Lifecycle = Agreement.Lifecycle

# The forward steps of each lifecycle. Stalling and terminating are added below.
FORWARD: dict[str, dict[str, set[str]]] = {
    Lifecycle.PROJECT: {
        # Registering (company set up, land or site) may be skipped, as it always could be.
        Status.SIGNED: {Status.REGISTERED, Status.UNDER_CONSTRUCTION},
        Status.REGISTERED: {Status.UNDER_CONSTRUCTION},
        Status.UNDER_CONSTRUCTION: {Status.IN_OPERATION},
        Status.IN_OPERATION: {Status.COMPLETED},
        Status.COMPLETED: set(),
    },
    Lifecycle.PURCHASE: {
        Status.SIGNED: {Status.PARTLY_DELIVERED, Status.DELIVERED},
        Status.PARTLY_DELIVERED: {Status.DELIVERED},
        Status.DELIVERED: set(),
    },
    Lifecycle.FRAMEWORK: {
        Status.SIGNED: {Status.MECHANISM_SET_UP},
        Status.MECHANISM_SET_UP: {Status.PROJECTS_INTRODUCED},
        Status.PROJECTS_INTRODUCED: set(),
    },
    Lifecycle.INTENTION: {
        Status.SIGNED: {Status.NEGOTIATING},
        Status.NEGOTIATING: {Status.CONVERTED, Status.LAPSED},
        Status.CONVERTED: set(),
        Status.LAPSED: set(),
    },
}

# No step leaves these.
CLOSED = {Status.COMPLETED, Status.CONVERTED, Status.LAPSED, Status.TERMINATED}

# Steps that only a dedicated service takes, because they come with their facts: deliveries
# move a purchase, the working mechanism and the introduced projects a framework, the new
# project agreement an intention. ``change_agreement_status`` refuses them.
RECORDED_BY_SERVICE = {
    Status.PARTLY_DELIVERED: "record_delivery",
    Status.DELIVERED: "record_delivery",
    Status.MECHANISM_SET_UP: "set_up_working_mechanism",
    Status.PROJECTS_INTRODUCED: "introduce_project",
    Status.CONVERTED: "convert_intention",
}


def transitions(lifecycle: str) -> dict[str, set[str]]:
    """The whole transition table of a lifecycle, stalling and terminating included."""
    forward = FORWARD[lifecycle]
    table = {}
    for status, following in forward.items():
        table[status] = set(following)
        if status not in CLOSED:
            table[status] |= {Status.STALLED, Status.TERMINATED}
    open_steps = {status for status in forward if status not in CLOSED}
    table[Status.STALLED] = open_steps | {Status.TERMINATED}
    table[Status.TERMINATED] = set()
    return table


TRANSITIONS: dict[str, dict[str, set[str]]] = {life: transitions(life) for life in FORWARD}


def allowed_next(agreement: Agreement) -> list[str]:
    """The statuses the agreement may move to next, in the order of ``Status``."""
    following = TRANSITIONS[agreement.lifecycle].get(agreement.status, set())
    return [status for status in Status.values if status in following]


def statuses_of(lifecycle: str) -> list[str]:
    """Every status an agreement of this lifecycle can be in, in the order of ``Status``."""
    return [status for status in Status.values if status in TRANSITIONS[lifecycle]]


def needs_reason(status: str) -> bool:
    return status in Agreement.STATUSES_NEEDING_REASON


def goods_lines_with_delivered(agreement: Agreement):
    """The agreement's goods lines, each with ``delivered``: the quantity delivered so far."""
    return GoodsLine.objects.filter(agreement=agreement).annotate(
        delivered=Coalesce(
            Sum("deliveries__quantity"),
            Value(Decimal("0.000")),
            output_field=DecimalField(**QUANTITY),
        )
    )


def delivery_status(agreement: Agreement) -> str:
    """What the deliveries say of a purchase: signed (nothing yet), partly delivered, or
    delivered (every line at least its contracted quantity)."""
    lines = list(goods_lines_with_delivered(agreement))
    if not any(line.delivered for line in lines):
        return Status.SIGNED
    if all(line.delivered >= line.quantity for line in lines):
        return Status.DELIVERED
    return Status.PARTLY_DELIVERED
