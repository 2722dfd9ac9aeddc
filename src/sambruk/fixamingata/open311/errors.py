"""Open311 errors: ``errors[error{code, description}]`` with the matching HTTP status.

GeoReport v2: 404 for an unknown resource (jurisdiction_id, service_code, token, request),
403 for a missing or invalid api_key, 400 for everything else. Several errors may be
returned at once; the body ``code`` equals the HTTP status here.
"""

from __future__ import annotations


class Open311Error(Exception):
    """One or more Open311 errors sharing one HTTP status."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = [str(d) for d in descriptions] or [""]

    def as_list(self) -> list[dict]:
        return [{"code": self.status, "description": d} for d in self.descriptions]


class BadRequest(Open311Error):
    def __init__(self, *descriptions: str):
        super().__init__(400, *descriptions)


class Forbidden(Open311Error):
    def __init__(self, *descriptions: str):
        super().__init__(403, *descriptions)


class NotFound(Open311Error):
    def __init__(self, *descriptions: str):
        super().__init__(404, *descriptions)
