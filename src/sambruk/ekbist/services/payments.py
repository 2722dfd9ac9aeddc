"""Utbetalningar: the list per payment date, the CSV for the kommun's finance system, and
marking rows as exported.

The CSV (``payments_csv``) is what the finance system imports: UTF-8 with a byte-order mark
(so Excel opens it with å, ä, ö), semicolon-separated, one header row, one row per payment,
ordered by payment date. Columns (:data:`CSV_COLUMNS`):

=================  ==========================================================================
Utbetalningsdag    ``YYYY-MM-DD``
Belopp             whole kronor, no thousands separator (``8620``)
Personnummer       the recipient's (sökande's) civic number, 12 digits — the finance system
                   pays to the person; the export is audited
Mottagare          the recipient's name
Ärendenummer       the case reference (also the payment's ``reference``)
Beslut             the decision's id in Sambruk
Period från/till   the decision period, ``YYYY-MM-DD``
Exporterad         when the row was marked as exported before (empty for new rows)
=================  ==========================================================================

Cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``) are
prefixed with an apostrophe. Reading the list and exporting write audit events;
:func:`do_mark_exported` is the one state change.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record
from sambruk.core.authz.permissions import has_perm
from sambruk.ekbist.models import Payment
from sambruk.ekbist.roles import EXPORT_PAYMENTS, VIEW_PAYMENTS

CSV_COLUMNS = (
    "Utbetalningsdag",
    "Belopp",
    "Personnummer",
    "Mottagare",
    "Ärendenummer",
    "Beslut",
    "Period från",
    "Period till",
    "Exporterad",
)
MAX_RANGE_DAYS = 366


class PaymentError(ValueError):
    """Refused; the message is Swedish and shown as is."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def check_range(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    """The date range of a list or export; defaults: today … today + 31 days."""
    today = timezone.localdate()
    date_from = date_from or today
    date_to = date_to or max(date_from, today) + dt.timedelta(days=31)
    if date_from > date_to:
        raise PaymentError(_("Från-datumet ligger efter till-datumet."), code="range")
    if (date_to - date_from).days > MAX_RANGE_DAYS:
        raise PaymentError(_("Välj högst ett år i taget."), code="range")
    return date_from, date_to


def payments_for(
    user,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    only_new: bool = False,
    permission: str = VIEW_PAYMENTS,
):
    """The payments ``user`` may see with a payment date in the range (both days included)."""
    date_from, date_to = check_range(date_from, date_to)
    rows = (
        Payment.objects.restrict(user, permission)
        .filter(pay_date__gte=date_from, pay_date__lte=date_to)
        .select_related("decision__application", "decision__case", "organisation")
        .order_by("pay_date", "organisation__name", "id")
    )
    if only_new:
        rows = rows.filter(exported_at__isnull=True)
    return rows


def by_date(payments) -> list[dict]:
    """``[{"date", "payments", "count", "total"}]`` per payment date, in date order."""
    days: dict[dt.date, dict] = {}
    for payment in payments:
        day = days.setdefault(
            payment.pay_date, {"date": payment.pay_date, "payments": [], "count": 0, "total": 0}
        )
        day["payments"].append(payment)
        day["count"] += 1
        day["total"] += payment.amount
    return list(days.values())


def audit_list_read(user, payments, *, purpose: str = "") -> None:
    """One read event per organisation shown: which payments (and so which persons) were seen."""
    per_org: dict[int, list[int]] = {}
    for payment in payments:
        per_org.setdefault(payment.organisation_id, []).append(payment.pk)
    for org_id, ids in per_org.items():
        record(
            AuditAction.READ,
            actor=user,
            organisation=org_id,
            object_type="ekbist.payment",
            object_repr=_("Utbetalningslista (%(n)s rader)") % {"n": len(ids)},
            purpose=purpose or _("Utbetalningslista, ekonomiskt bistånd"),
            changes={"payments": ids},
        )


def _cell(value) -> str:
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def payments_csv(user, payments) -> bytes:
    """The CSV for the finance system (UTF-8 with BOM, ``;``); writes an audit export event per
    organisation. Refused without ``ekbist.export_payments`` in a payment's organisation."""
    payments = list(payments)
    for org_id in {p.organisation_id for p in payments}:
        if not has_perm(user, EXPORT_PAYMENTS, org_id):
            raise PaymentError(
                _("Du saknar behörighet att exportera utbetalningar."), code="permission_denied"
            )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for p in payments:
        decision = p.decision
        exported = (
            timezone.localtime(p.exported_at).strftime("%Y-%m-%d %H:%M") if p.exported_at else ""
        )
        writer.writerow(
            [
                p.pay_date.isoformat(),
                p.amount,
                decision.application.applicant,
                _cell(p.recipient),
                _cell(p.reference or decision.case.reference),
                decision.pk,
                decision.period_from.isoformat(),
                decision.period_to.isoformat(),
                exported,
            ]
        )
    per_org: dict[int, list[int]] = {}
    for p in payments:
        per_org.setdefault(p.organisation_id, []).append(p.pk)
    for org_id, ids in per_org.items():
        record(
            AuditAction.EXPORT,
            actor=user,
            organisation=org_id,
            object_type="ekbist.payment",
            object_repr=_("Utbetalningsfil (%(n)s rader)") % {"n": len(ids)},
            purpose=_("Export av utbetalningar till ekonomisystemet"),
            changes={"format": "csv", "payments": ids},
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@transaction.atomic
def do_mark_exported(user, payment_ids) -> int:
    """Mark the given payments as exported (those not already marked). Returns how many.

    Only payments in organisations where ``user`` holds ``ekbist.export_payments``; an id
    outside them is refused as a whole (nothing is marked).
    """
    ids = {int(pk) for pk in payment_ids or ()}
    if not ids:
        raise PaymentError(_("Välj minst en utbetalning."), code="empty")
    allowed = Payment.objects.restrict(user, EXPORT_PAYMENTS).filter(pk__in=ids)
    rows = list(allowed.select_for_update())
    if len(rows) != len(ids):
        raise PaymentError(
            _("Någon av utbetalningarna finns inte eller så saknar du behörighet till den."),
            code="not_found",
        )
    now = timezone.now()
    new = [p for p in rows if p.exported_at is None]
    Payment.objects.filter(pk__in=[p.pk for p in new]).update(exported_at=now)
    per_org: dict[int, list[int]] = {}
    for p in new:
        per_org.setdefault(p.organisation_id, []).append(p.pk)
    for org_id, marked in per_org.items():
        record(
            AuditAction.UPDATE,
            actor=user,
            organisation=org_id,
            object_type="ekbist.payment",
            object_repr=_("Utbetalningar markerade som exporterade (%(n)s)") % {"n": len(marked)},
            changes={"exported_at": [None, now.isoformat()], "payments": sorted(marked)},
        )
    return len(new)
