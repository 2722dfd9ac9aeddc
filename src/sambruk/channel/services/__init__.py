"""Service functions of the channel app (every state change goes through here)."""

from .shadow import close_shadow_case, upsert_shadow_case

__all__ = ["close_shadow_case", "upsert_shadow_case"]
