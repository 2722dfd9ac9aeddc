"""Citizen pages of FixaMinGata (public, no login needed), split by concept:

* :mod:`.browse` — start page, browsing with filters, per-kommun pages;
* :mod:`.api` — JSON for the map: place search, categories at a point, nearby reports, pins;
* :mod:`.new_report` — the report flow and its confirmation link;
* :mod:`.report_page` — a report's page, updates, photos, questionnaire answers;
* :mod:`.alerts` — e-mail alerts; :mod:`.pwa` — manifest and service worker.
"""
