"""Open311 GeoReport v2 server (plus the wiki and mySociety extensions) for FixaMinGata.

* :mod:`.views` — the endpoints, thin; :mod:`.renderers` — XML (lxml) and JSON output;
* :mod:`.params` — parameter parsing (empty = absent, dates, window, paging, jurisdiction);
* :mod:`.queries` — reads; :mod:`.inbound` — POST requests / servicerequestupdates;
* :mod:`.formatters` — the documents as dicts; :mod:`.extensions` — optional behaviour;
* :mod:`.errors` — ``errors[error{code, description}]`` with 400/403/404.
"""
