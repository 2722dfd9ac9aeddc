from __future__ import annotations

import uuid

from .context import AuditContext, current


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ip = request.META.get("REMOTE_ADDR") or None
        request_id = request.META.get("HTTP_X_REQUEST_ID") or uuid.uuid4().hex
        token = current.set(AuditContext(ip_address=ip, request_id=request_id[:64]))
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response.setdefault("X-Request-ID", request_id[:64])
        return response
