"""Request context for audit events (IP, request id), set by AuditContextMiddleware."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditContext:
    ip_address: str | None = None
    request_id: str = ""


current: contextvars.ContextVar[AuditContext] = contextvars.ContextVar(
    "sambruk_audit_context",
    default=AuditContext(),  # noqa: B039 (a frozen dataclass: immutable)
)
