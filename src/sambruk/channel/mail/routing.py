"""Which addresses are ours, and which access point a recipient address reaches.

* *Platform domains* (``MAILIN_DOMAINS``, plus the reply domain of the case engine's outbound
  mail, ``CASES_REPLY_DOMAIN``): mail from these is our own (loop), ``svar+<token>@`` lives here.
* *Accepted domains*: the platform domains plus the domain of every active access point
  (``kundcenter@sandviken.se`` when the kommun's mail server forwards that address as is).
  A recipient outside them is refused at ``RCPT TO`` (550, we are no open relay).
* An unknown address in an accepted domain goes to the domain's *catch-all* access point
  (``catch_all``), else to the platform's support access point (``MAILIN_SUPPORT_ADDRESS``).
"""

from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings

from sambruk.cases.services.conversations import REPLY_PREFIX, reply_domain

from .models import EmailAccessPoint


def normalise(address: str) -> str:
    return parseaddr(address or "")[1].strip().lower()


def domain_of(address: str) -> str:
    address = normalise(address)
    return address.rsplit("@", 1)[-1] if "@" in address else ""


def platform_domains() -> set[str]:
    configured = getattr(settings, "MAILIN_DOMAINS", None) or []
    if isinstance(configured, str):
        configured = configured.split(",")
    return {d.strip().lower() for d in [*configured, reply_domain()] if d and d.strip()}


def own_addresses(among=None) -> set[str]:
    """Addresses the platform sends from or receives at: mail *from* them is a loop.

    ``among``: only the access points among these addresses are looked up (one indexed
    lookup per mail instead of reading every active access point's address)."""
    found = {normalise(settings.DEFAULT_FROM_EMAIL), normalise(settings.SERVER_EMAIL)}
    points = EmailAccessPoint.objects.filter(active=True).order_by()
    if among is not None:
        among = {a.strip().lower() for a in among} - {""}
        points = points.filter(address__in=among) if among else points.none()
    found.update(points.values_list("address", flat=True))
    return {a for a in found if a}


def accepted_domains() -> set[str]:
    domains = platform_domains()
    for address in (
        EmailAccessPoint.objects.filter(active=True).order_by().values_list("address", flat=True)
    ):
        domains.add(address.rsplit("@", 1)[-1].lower())
    return domains


def accepts(address: str) -> bool:
    """``RCPT TO`` check: is the address in a domain that we receive mail for?"""
    domain = domain_of(address)
    if not domain:
        return False
    if domain in platform_domains():
        return True
    return (
        EmailAccessPoint.objects.filter(active=True, address__endswith=f"@{domain}")
        .order_by()
        .exists()
    )


def is_reply_address(address: str) -> bool:
    local = normalise(address).rsplit("@", 1)[0]
    return local.startswith(REPLY_PREFIX) and len(local) > len(REPLY_PREFIX)


def access_point_for(recipients: list[str]) -> tuple[EmailAccessPoint | None, str]:
    """The access point of the first recipient that has one, else the catch-all of the first
    recipient's domain, else the support access point. ``(point, how)``; how is
    ``"address"``, ``"catch_all"`` or ``"support"``."""
    addresses = [normalise(r) for r in recipients if normalise(r)]
    points = {
        p.address: p
        for p in EmailAccessPoint.objects.filter(active=True, address__in=addresses)
        .select_related("queue", "case_type")
        .order_by()
    }
    for address in addresses:
        if address in points:
            return points[address], "address"
    for address in addresses:
        domain = domain_of(address)
        point = (
            EmailAccessPoint.objects.filter(
                active=True, catch_all=True, address__endswith=f"@{domain}"
            )
            .select_related("queue", "case_type")
            .order_by("pk")
            .first()
        )
        if point is not None:
            return point, "catch_all"
    support = normalise(getattr(settings, "MAILIN_SUPPORT_ADDRESS", ""))
    if support:
        point = (
            EmailAccessPoint.objects.filter(active=True, address=support)
            .select_related("queue", "case_type")
            .order_by()
            .first()
        )
        if point is not None:
            return point, "support"
    return None, ""


def organisation_for(recipients: list[str]):
    """The id of the one organisation whose access points share a recipient's domain (for a
    mail that reached no access point: its staff should see it), else ``None``."""
    for address in recipients:
        domain = domain_of(address)
        if not domain:
            continue
        orgs = set(
            EmailAccessPoint.objects.filter(active=True, address__endswith=f"@{domain}")
            .order_by()
            .values_list("organisation_id", flat=True)
        )
        if len(orgs) == 1:
            return orgs.pop()
    return None
