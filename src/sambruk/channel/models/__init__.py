from .shadow import ShadowCase, ShadowCaseLogEntry

__all__ = ["ShadowCase", "ShadowCaseLogEntry"]
