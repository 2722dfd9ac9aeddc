"""Lazy access to parts of the case engine that may not exist yet in this build.

The workspace shows a feature (posting messages, uploads, full-text search, saved searches,
statistics) only when the engine provides it; otherwise the tab or page is read-only or
left out. Only a *missing* module counts as absent: an error inside an existing module is
raised as usual.
"""

from __future__ import annotations

import importlib


def module(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name and (name == error.name or name.startswith(error.name + ".")):
            return None
        raise


def attr(module_name: str, name: str):
    found = module(module_name)
    return getattr(found, name, None) if found is not None else None


def conversations():
    return module("sambruk.cases.services.conversations")


def attachments():
    return module("sambruk.cases.services.attachments")


def search_cases():
    return attr("sambruk.cases.search", "search_cases")


def save_search():
    return attr("sambruk.cases.services.saved_searches", "do_save_search")


def statistics():
    return module("sambruk.cases.statistics")
