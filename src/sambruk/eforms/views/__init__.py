"""E-service views, one module per audience (``editor`` for staff; citizen views beside it)."""
