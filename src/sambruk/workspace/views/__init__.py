"""Views of the caseworker workspace (``/arenden/``)."""
