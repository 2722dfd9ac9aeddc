"""Citizen e-legitimation: OpenID Connect login, the demo test login, citizen session rules
and the signing interface (OIDC re-authentication, BankID RP API v6, demo).

See docs/e-legitimation.md for configuration.
"""
