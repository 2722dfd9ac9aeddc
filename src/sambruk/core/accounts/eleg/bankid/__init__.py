"""BankID Relying Party API v6 client (auth, sign, collect, cancel, animated QR code)."""
