"""E-legitimation settings, read with defaults so that tests can override them."""

from __future__ import annotations

from django.conf import settings

SCOPES_DEFAULT = "openid profile https://id.oidc.se/scope/naturalPersonNumber"
CLAIM_PNR = "https://id.oidc.se/claim/personalIdentityNumber"
CLAIM_COORDINATION = "https://id.oidc.se/claim/coordinationNumber"
TEST_LOA = "test"


def oidc_issuer() -> str:
    return getattr(settings, "ELEG_OIDC_ISSUER", "").rstrip("/")


def oidc_client_id() -> str:
    return getattr(settings, "ELEG_OIDC_CLIENT_ID", "")


def oidc_client_secret() -> str:
    return getattr(settings, "ELEG_OIDC_CLIENT_SECRET", "")


def oidc_scopes() -> str:
    return getattr(settings, "ELEG_OIDC_SCOPES", "") or SCOPES_DEFAULT


def oidc_loa_claim() -> str:
    """The claim that carries the level of assurance (``acr`` in OIDC Sweden)."""
    return getattr(settings, "ELEG_OIDC_LOA_CLAIM", "") or "acr"


def oidc_acr_values() -> str:
    """Requested ``acr_values`` (space separated), empty = let the provider choose."""
    return getattr(settings, "ELEG_OIDC_ACR_VALUES", "")


def oidc_configured() -> bool:
    return bool(oidc_issuer() and oidc_client_id())


def idle_timeout_seconds() -> int:
    return int(getattr(settings, "CITIZEN_IDLE_TIMEOUT_SECONDS", 15 * 60))


def idle_warning_seconds() -> int:
    return int(getattr(settings, "CITIZEN_IDLE_WARNING_SECONDS", 120))


def demo_login_enabled() -> bool:
    return bool(getattr(settings, "DEMO_MODE", False)) and not getattr(
        settings, "PRODUCTION", False
    )


def bankid_base_url() -> str:
    return getattr(settings, "BANKID_BASE_URL", "") or "https://appapi2.test.bankid.com/rp/v6.0"


def bankid_login_enabled() -> bool:
    """Direct BankID log-in (``BANKID_LOGIN``): for kommuner with their own RP contract."""
    return bool(getattr(settings, "BANKID_LOGIN", False))


def bankid_cert() -> tuple[str, str] | None:
    cert = getattr(settings, "BANKID_CLIENT_CERT", "")
    key = getattr(settings, "BANKID_CLIENT_KEY", "")
    if cert and key:
        return (cert, key)
    return None


def bankid_ca() -> str | bool:
    """CA bundle that signs the BankID server certificate (True = the system store)."""
    return getattr(settings, "BANKID_CA_CERT", "") or True
