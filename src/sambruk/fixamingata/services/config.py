"""Configuration of a body (mottagare): contact, delivery, categories and response templates.

Every write needs ``fixamingata.manage_config`` in the body's organisation and is audited.
Errors are :class:`ReportError` with a Swedish message (shown as is on the settings pages).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sambruk.core.authz.permissions import has_perm

from ..errors import ReportError
from ..models import Body, Category, ResponseTemplate, SendMethod
from ..models.choices import ReportState
from .common import audit

MANAGE_CONFIG = "fixamingata.manage_config"

BODY_FIELDS = (
    "active",
    "send_method",
    "contact_email",
    "open311_endpoint",
    "open311_jurisdiction",
    "open311_extended_statuses",
    "open311_always_send_email",
    "open311_fetch_updates",
)
CATEGORY_FIELDS = (
    "name",
    "group",
    "code",
    "description",
    "keywords",
    "contact_email",
    "send_method",
    "open311_service_code",
    "active",
    "prefer_if_multiple",
    "order",
)
TEMPLATE_FIELDS = ("title", "text", "category", "state", "active", "order")


def _require(actor, body: Body) -> None:
    if not has_perm(actor, MANAGE_CONFIG, body.organisation_id):
        raise ReportError(_("Du saknar behörighet för detta."), code="permission_denied")


def _check_email(value: str) -> str:
    value = (value or "").strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise ReportError(_("Ange en giltig e-postadress."), code="invalid_email") from None
    return value


def _apply(obj, values: dict, fields) -> dict:
    """Set ``values`` on ``obj``; the changes as ``{field: [old, new]}`` for the audit."""
    changes = {}
    for field in fields:
        if field not in values:
            continue
        new = values[field]
        old = getattr(obj, field)
        if old != new:
            changes[field] = [getattr(old, "pk", old), getattr(new, "pk", new)]
            setattr(obj, field, new)
    return changes


def _save_row(model, body: Body, row, values: dict, fields, *, actor, created, foreign: str):
    """Create (``row=None``) or change a row of ``body`` (a category or a response template),
    audited: ``created(row)`` gives the audit changes of a new row; ``foreign`` is the message
    when ``row`` belongs to another body."""
    if row is None:
        row = model(body=body)
        _apply(row, values, fields)
        row.save()
        audit(
            "create", actor=actor, obj=row, organisation=body.organisation_id, changes=created(row)
        )
        return row
    if row.body_id != body.pk:
        raise ReportError(foreign, code="wrong_body")
    row = model.objects.select_for_update().get(pk=row.pk)
    changes = _apply(row, values, fields)
    if changes:
        row.save()
        audit("update", actor=actor, obj=row, organisation=body.organisation_id, changes=changes)
    return row


@transaction.atomic
def update_body(
    body: Body, *, actor, new_api_key: str = "", remove_api_key: bool = False, **values
) -> Body:
    """Contact e-mail, delivery method, Open311 endpoint and jurisdiction; the api_key is
    write-only: a new key replaces the old one, ``remove_api_key`` empties it."""
    _require(actor, body)
    body = Body.objects.select_for_update().get(pk=body.pk)
    values = {k: v for k, v in values.items() if k in BODY_FIELDS}
    if "contact_email" in values:
        values["contact_email"] = _check_email(values["contact_email"])
    if "open311_endpoint" in values:
        endpoint = (values["open311_endpoint"] or "").strip()
        if endpoint:
            try:
                URLValidator(schemes=["https", "http"])(endpoint)
            except ValidationError:
                raise ReportError(
                    _("Ange en giltig webbadress (https://…)."), code="invalid_url"
                ) from None
        values["open311_endpoint"] = endpoint
    if "open311_jurisdiction" in values:
        values["open311_jurisdiction"] = (values["open311_jurisdiction"] or "").strip()
    if values.get("send_method", body.send_method) not in SendMethod.values:
        raise ReportError(_("Välj ett leveranssätt."), code="invalid_send_method")
    changes = _apply(body, values, BODY_FIELDS)
    if body.send_method == SendMethod.EMAIL and not body.contact_email:
        raise ReportError(
            _("Leverans med e-post kräver en e-postadress för rapporter."), code="email_required"
        )
    if body.send_method == SendMethod.OPEN311 and not body.open311_endpoint:
        raise ReportError(
            _("Leverans med Open311 kräver en Open311-adress."), code="endpoint_required"
        )
    new_api_key = (new_api_key or "").strip()
    if new_api_key:
        body.open311_api_key = new_api_key
        changes["open311_api_key"] = "ny nyckel"  # never the key itself
    elif remove_api_key and body.open311_api_key:
        body.open311_api_key = ""
        changes["open311_api_key"] = "borttagen"
    if changes:
        body.save()
        audit("update", actor=actor, obj=body, organisation=body.organisation_id, changes=changes)
    return body


@transaction.atomic
def save_category(body: Body, *, actor, category: Category | None = None, **values) -> Category:
    """Create (``category=None``) or change a category of ``body``."""
    _require(actor, body)
    values = {k: v for k, v in values.items() if k in CATEGORY_FIELDS}
    name = (values.get("name", category.name if category else "") or "").strip()
    if not name:
        raise ReportError(_("Ange ett namn."), code="name_required")
    values["name"] = name
    others = Category.objects.filter(body=body).exclude(pk=getattr(category, "pk", None))
    if others.filter(name__iexact=name).exists():
        raise ReportError(
            _("Det finns redan en kategori med namnet ”%(name)s”.") % {"name": name},
            code="duplicate_name",
        )
    code = (values.get("code") or "").strip()
    if not code and category is None:
        code = slugify(name)[:50] or "kategori"
        base, n = code, 2
        while others.filter(code=code).exists():
            code, n = f"{base}-{n}", n + 1
    if code:
        if slugify(code) != code:
            raise ReportError(
                _("Tjänstekoden får bara innehålla små bokstäver a–z, siffror, - och _."),
                code="invalid_code",
            )
        if others.filter(code=code).exists():
            raise ReportError(
                _("Det finns redan en kategori med tjänstekoden ”%(code)s”.") % {"code": code},
                code="duplicate_code",
            )
        values["code"] = code
    else:
        values.pop("code", None)
    if "contact_email" in values:
        values["contact_email"] = _check_email(values["contact_email"])
    if values.get("send_method") and values["send_method"] not in SendMethod.values:
        raise ReportError(_("Välj ett leveranssätt."), code="invalid_send_method")
    for key in ("group", "open311_service_code", "description", "keywords"):
        if key in values:
            values[key] = (values[key] or "").strip()
    return _save_row(
        Category,
        body,
        category,
        values,
        CATEGORY_FIELDS,
        actor=actor,
        created=lambda row: {k: getattr(row, k) for k in CATEGORY_FIELDS},
        foreign=_("Kategorin hör till en annan mottagare."),
    )


@transaction.atomic
def save_response_template(
    body: Body, *, actor, template: ResponseTemplate | None = None, **values
) -> ResponseTemplate:
    """Create (``template=None``) or change a response template (svarsmall) of ``body``."""
    _require(actor, body)
    values = {k: v for k, v in values.items() if k in TEMPLATE_FIELDS}
    title = (values.get("title", template.title if template else "") or "").strip()
    text = (values.get("text", template.text if template else "") or "").strip()
    if not title:
        raise ReportError(_("Ange en rubrik."), code="title_required")
    if not text:
        raise ReportError(_("Skriv mallens text."), code="text_required")
    values.update(title=title, text=text)
    category = values.get("category")
    if category is not None and category.body_id != body.pk:
        raise ReportError(_("Välj en av mottagarens kategorier."), code="wrong_category")
    if values.get("state") and values["state"] not in ReportState.values:
        raise ReportError(_("Välj en giltig status."), code="invalid_state")
    others = ResponseTemplate.objects.filter(body=body).exclude(pk=getattr(template, "pk", None))
    if others.filter(title__iexact=title).exists():
        raise ReportError(
            _("Det finns redan en svarsmall med rubriken ”%(title)s”.") % {"title": title},
            code="duplicate_title",
        )
    return _save_row(
        ResponseTemplate,
        body,
        template,
        values,
        TEMPLATE_FIELDS,
        actor=actor,
        created=lambda row: {"title": title, "category": getattr(category, "pk", None)},
        foreign=_("Svarsmallen hör till en annan mottagare."),
    )


@transaction.atomic
def delete_response_template(template: ResponseTemplate, *, actor) -> None:
    _require(actor, template.body)
    audit(
        "delete",
        actor=actor,
        obj=template,
        organisation=template.body.organisation_id,
        changes={"title": template.title},
    )
    template.delete()
