"""The changes that move each kind of agreement along its own life, one function per change.

A project is registered with its company and site; a purchase moves with its deliveries; a
framework with its working mechanism and the projects introduced under it; an intention is
negotiated, then converted into a new project agreement or let lapse. Each function checks who
acts and what the lifecycle allows, writes in one transaction (nothing is half-written), audits
what it creates, and leaves a ``StatusChange`` when the status moves (``services.move_agreement``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements import lifecycles, services
from agreements.models import (
    CENT,
    GRAM,
    Agreement,
    AgreementParty,
    Delivery,
    DeliveryReceipt,
    GoodsLine,
    NegotiationNote,
    WorkingMechanism,
)
from liaison import permissions, uploads
from liaison.services import save_object

Status = Agreement.Status
Lifecycle = Agreement.Lifecycle


def check_can_write(actor) -> None:
    if actor is not None and not permissions.can_write(actor):
        raise PermissionDenied(_("Only the secretariat records this."))


def _locked(agreement: Agreement, lifecycle: str) -> Agreement:
    current = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if current.lifecycle != lifecycle:
        raise ValidationError(
            {
                "kind": _("This is not done for a “%(kind)s” agreement.")
                % {"kind": current.get_kind_display()}
            }
        )
    return current


def _check_open(current: Agreement) -> None:
    if current.status in (Status.STALLED, *lifecycles.CLOSED):
        raise ValidationError(
            {
                "status": _("A “%(status)s” agreement takes no further step.")
                % {"status": current.get_status_display()}
            }
        )


def _check_date(current: Agreement, on: date, field: str) -> None:
    if on < current.signed_on:
        raise ValidationError({field: _("The date is before the agreement was signed.")})
    if on > timezone.localdate():
        raise ValidationError({field: _("The date is in the future.")})


def _decimal(value, places: Decimal, field: str) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(places)
    except (InvalidOperation, ValueError, TypeError) as error:
        raise ValidationError({field: _("Enter a number.")}) from error
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    return number


def _copy_back(agreement: Agreement, current: Agreement) -> None:
    agreement.status, agreement.status_reason = current.status, current.status_reason


# --- Projects --------------------------------------------------------------------------------


def register_project(
    agreement: Agreement, *, actor, company: str, site: str, on: date | None = None
) -> Agreement:
    """Record the project company and its land or site, and move the project to registered."""
    check_can_write(actor)
    company, site = (company or "").strip(), (site or "").strip()
    errors = {}
    if not company:
        errors["company"] = _("Name the project company.")
    if not site:
        errors["site"] = _("Give the land or site.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked(agreement, Lifecycle.PROJECT)
        current.project_company, current.project_site = company, site
        services.move_agreement(
            current,
            to=Status.REGISTERED,
            actor=actor,
            on=on,
            facts=("project_company", "project_site"),
        )
    agreement.project_company, agreement.project_site = company, site
    _copy_back(agreement, current)
    return current


# --- Purchases -------------------------------------------------------------------------------


def record_delivery(
    agreement: Agreement,
    *,
    actor,
    goods_line: GoodsLine,
    delivered_on: date,
    quantity: Decimal,
    amount: Decimal,
    receipt=None,
    is_supplement: bool = False,
    supplement_reason: str = "",
) -> Delivery:
    """Record a delivery on a goods line of a purchase, with its receipt when given; the
    purchase becomes partly delivered, then delivered once every line has its contracted
    quantity. Delivering more than contracted is refused unless it is marked as a supplement
    with a reason."""
    check_can_write(actor)
    quantity = _decimal(quantity, GRAM, "quantity")
    amount = _decimal(amount, CENT, "amount")
    if quantity <= 0:
        raise ValidationError({"quantity": _("The quantity delivered must be positive.")})
    if amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    supplement_reason = (supplement_reason or "").strip()
    if is_supplement and not supplement_reason:
        raise ValidationError({"supplement_reason": _("Say why more is delivered.")})
    kind = uploads.check_upload(receipt, field="receipt") if receipt is not None else None
    with uploads.removed_on_error() as stored, transaction.atomic():
        current = _locked(agreement, Lifecycle.PURCHASE)
        if current.status in (Status.STALLED, Status.TERMINATED):
            raise ValidationError(
                {"status": _("A stalled or terminated purchase takes no deliveries.")}
            )
        line = GoodsLine.objects.filter(pk=goods_line.pk, agreement=current).first()
        if line is None:
            raise ValidationError({"goods_line": _("This goods line is not of this agreement.")})
        _check_date(current, delivered_on, "delivered_on")
        delivered = sum((d.quantity for d in line.deliveries.all()), Decimal("0.000"))
        if delivered + quantity > line.quantity and not is_supplement:
            raise ValidationError(
                {
                    "quantity": _(
                        "%(commodity)s: %(delivered)s %(unit)s delivered of %(contracted)s "
                        "%(unit)s contracted; %(quantity)s %(unit)s more is over the contract. "
                        "Mark it as a supplement and give the reason."
                    )
                    % {
                        "commodity": line.commodity,
                        "delivered": f"{delivered:f}",
                        "contracted": f"{line.quantity:f}",
                        "quantity": f"{quantity:f}",
                        "unit": line.unit,
                    }
                }
            )
        delivery = Delivery(
            goods_line=line,
            delivered_on=delivered_on,
            quantity=quantity,
            amount=amount,
            is_supplement=is_supplement,
            supplement_reason=supplement_reason if is_supplement else "",
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        save_object(delivery, actor=actor)
        if receipt is not None:
            services.store_file(
                DeliveryReceipt(delivery=delivery), receipt, kind, actor=actor, into=stored
            )
        follows = lifecycles.delivery_status(current)
        if follows != current.status and current.status not in lifecycles.CLOSED:
            services.move_agreement(
                current, to=follows, actor=actor, on=delivered_on, reason=str(delivery)
            )
    _copy_back(agreement, current)
    return delivery


# --- Frameworks and park-to-park agreements -------------------------------------------------


def set_up_working_mechanism(
    agreement: Agreement,
    *,
    actor,
    our_contact: str,
    their_contact: str,
    first_activity: str,
    first_activity_on: date,
) -> WorkingMechanism:
    """Record the working mechanism of a framework (a named contact on each side, the first
    joint activity) and move it to "working mechanism set up" on the activity's date."""
    check_can_write(actor)
    with transaction.atomic():
        current = _locked(agreement, Lifecycle.FRAMEWORK)
        if current.status != Status.SIGNED:
            raise ValidationError(
                {"status": _("The working mechanism is set up once, after signing.")}
            )
        _check_date(current, first_activity_on, "first_activity_on")
        mechanism = WorkingMechanism(
            agreement=current,
            our_contact=(our_contact or "").strip(),
            their_contact=(their_contact or "").strip(),
            first_activity=(first_activity or "").strip(),
            first_activity_on=first_activity_on,
        )
        save_object(mechanism, actor=actor)
        services.move_agreement(
            current,
            to=Status.MECHANISM_SET_UP,
            actor=actor,
            on=first_activity_on,
            reason=mechanism.first_activity,
        )
    _copy_back(agreement, current)
    return mechanism


def introduce_project(
    agreement: Agreement, *, actor, project: Agreement, on: date | None = None
) -> Agreement:
    """Link a project agreement introduced under a framework; the first one lands the
    framework (projects introduced)."""
    check_can_write(actor)
    with transaction.atomic():
        current = _locked(agreement, Lifecycle.FRAMEWORK)
        if current.status not in (Status.MECHANISM_SET_UP, Status.PROJECTS_INTRODUCED):
            raise ValidationError(
                {"status": _("Set up the working mechanism before introducing projects.")}
            )
        introduced = Agreement.objects.select_for_update().get(pk=project.pk)
        if introduced.lifecycle != Lifecycle.PROJECT:
            raise ValidationError({"project": _("Only a project agreement can be introduced.")})
        if introduced.introduced_under_id is not None:
            raise ValidationError(
                {"project": _("This project is already introduced under an agreement.")}
            )
        introduced.introduced_under = current
        save_object(introduced, actor=actor, note=str(current))
        if current.status != Status.PROJECTS_INTRODUCED:
            services.move_agreement(
                current, to=Status.PROJECTS_INTRODUCED, actor=actor, on=on, reason=str(introduced)
            )
    _copy_back(agreement, current)
    return introduced


# --- Investment intentions -------------------------------------------------------------------


def check_can_note_negotiation(agreement: Agreement, actor) -> None:
    if actor is not None and not permissions.can_report_progress(actor, agreement):
        raise PermissionDenied(_("Only the agreement's parties report its progress."))


def record_negotiation_note(
    agreement: Agreement, *, actor, note: str, on: date | None = None
) -> NegotiationNote:
    """An intention's progress report: what the negotiation reached on a day. A signed
    intention is under negotiation from its first note."""
    check_can_note_negotiation(agreement, actor)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write what the negotiation reached.")})
    on = on or timezone.localdate()
    with transaction.atomic():
        current = _locked(agreement, Lifecycle.INTENTION)
        if current.status not in (Status.SIGNED, Status.NEGOTIATING):
            raise ValidationError(
                {"status": _("Only an intention under negotiation takes negotiation notes.")}
            )
        _check_date(current, on, "on")
        entry = NegotiationNote(
            agreement=current,
            noted_on=on,
            note=note,
            author=actor if getattr(actor, "is_authenticated", False) else None,
        )
        save_object(entry, actor=actor)
        if current.status == Status.SIGNED:
            services.move_agreement(
                current, to=Status.NEGOTIATING, actor=actor, on=on, reason=note[:200]
            )
    _copy_back(agreement, current)
    return entry


def convert_intention(
    agreement: Agreement,
    *,
    actor,
    title: str,
    amount: Decimal | None,
    on: date | None = None,
    signing_unit=None,
    sector=None,
    description: str = "",
    is_illustrative: bool | None = None,
) -> Agreement:
    """Convert an intention under negotiation into a new project agreement signed on ``on``,
    with the intention's parties, linked to it (``converted_from``), so that the intention's
    history stays one click away; the intention becomes converted (landed)."""
    check_can_write(actor)
    on = on or timezone.localdate()
    with transaction.atomic():
        current = _locked(agreement, Lifecycle.INTENTION)
        if current.status != Status.NEGOTIATING:
            raise ValidationError(
                {"status": _("Only an intention under negotiation can be converted.")}
            )
        _check_date(current, on, "on")
        project = Agreement(
            kind=Agreement.Kind.PROJECT,
            title=(title or "").strip(),
            partnership_id=current.partnership_id,
            signed_at_meeting=None,
            signed_on=on,
            signing_unit=signing_unit or current.signing_unit,
            sector=sector or current.sector,
            amount=None if amount is None else _decimal(amount, CENT, "amount"),
            description=(description or "").strip(),
            is_illustrative=(
                current.is_illustrative if is_illustrative is None else is_illustrative
            ),
            converted_from=current,
        )
        note = _("converted from “%(title)s”") % {"title": current.title}
        services.save_agreement(
            project,
            actor=actor,
            parties=[
                {
                    "organisation": party.organisation,
                    "role": party.role,
                    "signatory_name": party.signatory_name,
                    "signatory_title": party.signatory_title,
                }
                for party in AgreementParty.objects.filter(agreement=current)
            ],
            note=note,
        )
        services.move_agreement(
            current, to=Status.CONVERTED, actor=actor, on=on, reason=project.title
        )
    _copy_back(agreement, current)
    return project


# --- Any kind ----------------------------------------------------------------------------------


def suspend_agreement(agreement: Agreement, *, actor, reason: str, on: date | None = None):
    """Stall (suspend) an agreement of any kind, with a reason."""
    check_can_write(actor)
    return services.change_agreement_status(
        agreement, to=Status.STALLED, actor=actor, on=on, reason=reason
    )


def terminate_agreement(agreement: Agreement, *, actor, reason: str, on: date | None = None):
    """Terminate an agreement of any kind, with a reason."""
    check_can_write(actor)
    return services.change_agreement_status(
        agreement, to=Status.TERMINATED, actor=actor, on=on, reason=reason
    )


def lapse_intention(agreement: Agreement, *, actor, reason: str, on: date | None = None):
    """Let an intention under negotiation lapse, with a reason."""
    check_can_write(actor)
    if agreement.lifecycle != Lifecycle.INTENTION:
        raise ValidationError({"kind": _("Only an investment intention lapses.")})
    return services.change_agreement_status(
        agreement, to=Status.LAPSED, actor=actor, on=on, reason=reason
    )
