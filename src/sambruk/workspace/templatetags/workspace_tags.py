"""Template helpers of the workspace: ``{% load workspace_tags %}``."""

from __future__ import annotations

from django import template

from .. import optional

register = template.Library()

SECTIONS = {
    "home": "home",
    "inbox": "home",
    "mine": "mine",
    "drafts": "drafts",
    "search": "search",
    "create": "create",
    "statistics": "statistics",
    "help": "help",
}


@register.simple_tag(takes_context=True)
def ws_section(context) -> str:
    match = getattr(context.get("request"), "resolver_match", None)
    name = getattr(match, "url_name", "") or ""
    if name.startswith("config"):
        return "config"
    return SECTIONS.get(name, "")


@register.simple_tag
def statistics_available() -> bool:
    return optional.statistics() is not None


@register.filter
def filesize(value) -> str:
    try:
        size = int(value)
    except (TypeError, ValueError):
        return ""
    for unit in ("B", "kB", "MB"):
        if size < 1024:
            return f"{size} {unit}"
        size //= 1024
    return f"{size} GB"


@register.simple_tag(takes_context=True)
def ws_can(context, permission: str) -> bool:
    """Whether the request's user holds ``permission`` in some organisation."""
    from sambruk.core.authz.permissions import has_perm

    request = context.get("request")
    return bool(request and has_perm(request.user, permission))
