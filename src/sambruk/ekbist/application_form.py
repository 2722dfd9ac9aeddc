"""The e-application's form definition (eforms JSON), built per kommun.

Field names are the contract with :mod:`ekbist.application_data` (``from_answers``). The
attachments a kommun requires are data: :data:`DEFAULT_ATTACHMENTS` lists (field name, label,
condition, required); ``build_definition(attachments=…)`` takes a kommun's own list, and a
published version can be changed like any form in the form editor (``/e-tjanster/admin/``).
"""

from __future__ import annotations

import copy

from .application_form_parts import (
    COST_OPTIONS,
    INCOME_OPTIONS,
    PERSON_OPTIONS,
    _opts,
    _when,
    occupation_fields,
)

FORM_CODE = "ekonomiskt-bistand"
ESERVICE_SLUG = "ekonomiskt-bistand"
ESERVICE_NAME = "Ansökan om ekonomiskt bistånd"

FILES = {"accept": ["pdf", "png", "jpeg", "heic"], "maxFiles": 5, "maxSize": 10 * 1024 * 1024}

#: (field name, label, condition or None = always shown, required)
DEFAULT_ATTACHMENTS: list[tuple[str, str, dict | None, bool]] = [
    ("bilaga_hyresavi", "Hyresavi eller hyreskontrakt", _when("kostnader", "hyra"), True),
    ("bilaga_elrakning", "Elräkning", _when("kostnader", "hushallsel"), False),
    (
        "bilaga_lakarintyg",
        "Läkarintyg (sjukskrivning)",
        _when("sokande_sysselsattning", "sjukskriven"),
        True,
    ),
    (
        "bilaga_medsokande_lakarintyg",
        "Medsökandes läkarintyg (sjukskrivning)",
        {
            "all": [
                _when("har_medsokande", "yes"),
                _when("medsokande_sysselsattning", "sjukskriven"),
            ]
        },
        True,
    ),
    (
        "bilaga_lakarvard",
        "Kvitton för läkarvård och medicin",
        _when("kostnader", "lakarvard"),
        True,
    ),
    ("bilaga_tandvard", "Kostnadsförslag för tandvård", _when("kostnader", "tandvard"), True),
    ("bilaga_barnomsorg", "Faktura för barnomsorg", _when("kostnader", "barnomsorg"), False),
    ("bilaga_ovrigt", "Övriga underlag", None, False),
]


def build_definition(attachments=None) -> dict:
    """The form definition document (validated by ``eforms.definition``)."""
    attachments = DEFAULT_ATTACHMENTS if attachments is None else attachments
    co = _when("har_medsokande", "yes")
    return {
        "formatVersion": 1,
        "title": {"sv": ESERVICE_NAME, "en": "Application for financial assistance"},
        "pages": [
            {
                "id": "om_ansokan",
                "title": "Om ansökan",
                "intro": "Fält märkta * är obligatoriska. Du kan spara och fortsätta senare.",
                "fields": [
                    {
                        "type": "yesno",
                        "name": "skyddad",
                        "label": "Skyddade personuppgifter enligt folkbokföringen",
                        "hint": "Uppgiften hämtas från folkbokföringen och kan inte ändras här.",
                        "prefill": "plugin:ekbist.skyddad",
                        "readonly": True,
                    },
                    {
                        "type": "info",
                        "text": (
                            "Du har skyddade personuppgifter (skyddad folkbokföring eller "
                            "sekretessmarkering). Vi frågar inte efter din adress i ansökan. "
                            "Uppgifterna hanteras med sekretess: din adress visas bara för "
                            "handläggare med särskild behörighet, och varje gång någon läser "
                            "dina uppgifter loggas det."
                        ),
                        "showWhen": _when("skyddad", "yes"),
                    },
                    {
                        "type": "text",
                        "name": "sokande_namn",
                        "label": "Ditt namn",
                        "required": True,
                        "prefill": "eleg.full_name",
                        "readonly": True,
                    },
                    {
                        "type": "personnummer",
                        "name": "sokande_pnr",
                        "label": "Ditt personnummer",
                        "required": True,
                        "prefill": "eleg.civic_number",
                        "readonly": True,
                    },
                    {
                        "type": "radio",
                        "name": "ansokningstyp",
                        "label": "Vad gäller ansökan?",
                        "required": True,
                        "prefill": "plugin:ekbist.kind",
                        "statistical": True,
                        "options": _opts(
                            [
                                ("nyansokan", "Nyansökan – jag söker för första gången"),
                                ("manadsansokan", "Månadsansökan – jag har sökt tidigare"),
                            ]
                        ),
                    },
                    {
                        "type": "text",
                        "name": "period",
                        "label": "Månad du söker för",
                        "hint": "Skriv år och månad, till exempel 2026-12.",
                        "required": True,
                        "prefill": "plugin:ekbist.period",
                        "pattern": "^20[0-9]{2}-(0[1-9]|1[0-2])$",
                        "patternMessage": "Skriv månaden som ÅÅÅÅ-MM, till exempel 2026-12.",
                    },
                    {
                        "type": "email",
                        "name": "epost",
                        "label": "Din e-postadress",
                        "hint": "Kvittensen skickas hit.",
                        "required": True,
                        "contactRole": "email",
                    },
                    {"type": "phone", "name": "telefon", "label": "Ditt telefonnummer"},
                ],
            },
            {
                "id": "hushallet",
                "title": "Hushållet",
                "intro": (
                    "Ange vilka som bor med dig. Barn under 18 år och ungdomar upp till 21 år "
                    "som går i skolan ingår i ansökan."
                ),
                "fields": [
                    {
                        "type": "yesno",
                        "name": "har_medsokande",
                        "label": "Söker du tillsammans med make, maka eller sambo?",
                        "hint": "Medsökande skriver också under ansökan med e-legitimation.",
                        "required": True,
                        "prefill": "plugin:ekbist.answer.har_medsokande",
                    },
                    {
                        "type": "text",
                        "name": "medsokande_namn",
                        "label": "Medsökandes namn",
                        "required": True,
                        "prefill": "plugin:ekbist.answer.medsokande_namn",
                        "showWhen": co,
                    },
                    {
                        "type": "personnummer",
                        "name": "medsokande_pnr",
                        "label": "Medsökandes personnummer",
                        "required": True,
                        "prefill": "plugin:ekbist.answer.medsokande_pnr",
                        "showWhen": co,
                    },
                    {
                        "type": "group",
                        "name": "hushall",
                        "label": "Person i hushållet",
                        "maxItems": 12,
                        "prefill": "plugin:ekbist.answer.hushall",
                        "fields": [
                            {
                                "type": "text",
                                "name": "person_namn",
                                "label": "Namn",
                                "required": True,
                            },
                            {
                                "type": "radio",
                                "name": "person_relation",
                                "label": "Vem är personen?",
                                "required": True,
                                "options": _opts(
                                    [
                                        ("barn", "Barn eller ungdom"),
                                        ("make_sambo", "Make, maka eller sambo"),
                                        ("annan_vuxen", "Annan vuxen som bor i bostaden"),
                                    ]
                                ),
                            },
                            {
                                "type": "date",
                                "name": "person_fodd",
                                "label": "Födelsedatum",
                                "required": True,
                                "max": "today",
                            },
                            {
                                "type": "radio",
                                "name": "person_boende",
                                "label": "Hur bor barnet?",
                                "required": True,
                                "showWhen": _when("person_relation", "barn"),
                                "options": _opts(
                                    [
                                        ("heltid", "Bor hos mig hela tiden"),
                                        ("vaxelvis", "Växelvis boende"),
                                        ("umgange", "Umgängesbarn"),
                                    ]
                                ),
                            },
                            {
                                "type": "number",
                                "name": "person_dagar",
                                "label": "Antal dagar per månad hos dig",
                                "required": True,
                                "min": 1,
                                "max": 31,
                                "showWhen": _when("person_boende", "vaxelvis", "umgange"),
                            },
                            {
                                "type": "yesno",
                                "name": "person_skola",
                                "label": "Går i skolan (för ungdomar 18–21 år: gymnasiet)",
                                "showWhen": _when("person_relation", "barn"),
                            },
                            {
                                "type": "yesno",
                                "name": "person_skollunch",
                                "label": "Äter lunch i förskola eller skola",
                                "showWhen": _when("person_relation", "barn"),
                            },
                        ],
                    },
                ],
            },
            {
                "id": "boende",
                "title": "Boende",
                "fields": [
                    {
                        "type": "radio",
                        "name": "boendeform",
                        "label": "Hur bor du?",
                        "required": True,
                        "statistical": True,
                        "prefill": "plugin:ekbist.answer.boendeform",
                        "options": _opts(
                            [
                                ("hyresratt", "Hyresrätt, förstahandskontrakt"),
                                ("andrahand", "Hyresrätt, andrahandskontrakt"),
                                ("bostadsratt", "Bostadsrätt"),
                                ("villa", "Eget hus"),
                                ("inneboende", "Inneboende"),
                                ("foraldrar", "Bor hos föräldrar"),
                                ("utan", "Saknar bostad"),
                            ]
                        ),
                    },
                    {
                        "type": "number",
                        "name": "rum",
                        "label": "Antal rum",
                        "min": 0,
                        "max": 20,
                        "prefill": "plugin:ekbist.answer.rum",
                        "hideWhen": _when("boendeform", "utan"),
                    },
                    {
                        "type": "number",
                        "name": "antal_boende",
                        "label": "Antal personer som bor i bostaden",
                        "hint": "Alla som bor där, också du själv.",
                        "min": 1,
                        "max": 30,
                        "prefill": "plugin:ekbist.answer.antal_boende",
                        "hideWhen": _when("boendeform", "utan"),
                    },
                    {
                        "type": "text",
                        "name": "hyresvard",
                        "label": "Hyresvärd",
                        "maxLength": 200,
                        "prefill": "plugin:ekbist.answer.hyresvard",
                        "showWhen": _when("boendeform", "hyresratt", "andrahand", "inneboende"),
                    },
                    {
                        "type": "amount",
                        "name": "hyra",
                        "label": "Hyra eller avgift per månad",
                        "min": 0,
                        "max": 100000,
                        "prefill": "plugin:ekbist.answer.hyra",
                        "showWhen": _when(
                            "boendeform", "hyresratt", "andrahand", "bostadsratt", "inneboende"
                        ),
                    },
                    {
                        "type": "amount",
                        "name": "andrahandsinkomst",
                        "label": "Inkomst av andrahandsuthyrning per månad",
                        "hint": "Om du hyr ut en del av bostaden.",
                        "min": 0,
                        "max": 100000,
                        "hideWhen": _when("boendeform", "utan"),
                    },
                ],
            },
            {
                "id": "sysselsattning",
                "title": "Sysselsättning",
                "fields": occupation_fields("sokande", "Du", None)
                + occupation_fields("medsokande", "Medsökande", co),
            },
            {
                "id": "sjalvservice",
                "title": "Hämta uppgifter (Självservice)",
                "fields": [
                    {
                        "type": "info",
                        "text": (
                            "Med ditt samtycke hämtar vi uppgifter om dina ersättningar från "
                            "Försäkringskassan, Arbetsförmedlingen, a-kassan, CSN och "
                            "Skatteverket och fyller i dem på sidan Inkomster. Du granskar "
                            "uppgifterna innan du skriver under. Handläggaren ser varifrån "
                            "varje uppgift kommer. Du kan när som helst ta tillbaka ditt "
                            "samtycke genom att svara Nej här; uppgifter som inte har skickats "
                            "in tas då bort."
                        ),
                    },
                    {
                        "type": "yesno",
                        "name": "sjalvservice",
                        "label": "Jag samtycker till att uppgifter om mig hämtas från myndigheterna",
                        "required": True,
                    },
                ],
            },
            {
                "id": "inkomster",
                "title": "Inkomster",
                "intro": "Ange hushållets inkomster per månad före skatt avdragen, efter skatt.",
                "fields": [
                    {
                        "type": "group",
                        "name": "inkomster",
                        "label": "Inkomst",
                        "maxItems": 20,
                        "prefill": "plugin:ekbist.answer.inkomster",
                        "fields": [
                            {
                                "type": "radio",
                                "name": "inkomst_person",
                                "label": "Vems inkomst?",
                                "required": True,
                                "options": copy.deepcopy(PERSON_OPTIONS),
                            },
                            {
                                "type": "select",
                                "name": "inkomst_typ",
                                "label": "Typ av inkomst",
                                "required": True,
                                "options": copy.deepcopy(INCOME_OPTIONS),
                            },
                            {
                                "type": "amount",
                                "name": "inkomst_belopp",
                                "label": "Belopp per månad efter skatt",
                                "required": True,
                                "min": 0,
                                "max": 1000000,
                            },
                            {
                                "type": "text",
                                "name": "inkomst_beskrivning",
                                "label": "Från vem eller vad",
                                "maxLength": 200,
                            },
                        ],
                    }
                ],
            },
            {
                "id": "kostnader",
                "title": "Kostnader du söker för",
                "intro": "Hyran hämtas från sidan Boende.",
                "fields": [
                    {
                        "type": "checkboxes",
                        "name": "kostnader",
                        "label": "Vilka kostnader söker du bistånd för?",
                        "statistical": True,
                        "prefill": "plugin:ekbist.answer.kostnader",
                        "options": copy.deepcopy(COST_OPTIONS),
                    },
                    *[
                        {
                            "type": "amount",
                            "name": f"kostnad_{value}",
                            "label": f"{label}, kronor per månad",
                            "required": True,
                            "min": 0,
                            "max": 200000,
                            "prefill": f"plugin:ekbist.answer.kostnad_{value}",
                            "showWhen": _when("kostnader", value),
                        }
                        for value, label in (
                            (o["value"], o["label"])
                            for o in COST_OPTIONS
                            if o["value"] not in ("hyra", "ovrigt")
                        )
                    ],
                    {
                        "type": "textarea",
                        "name": "kostnad_ovrigt_text",
                        "label": "Vad är den andra kostnaden?",
                        "required": True,
                        "maxLength": 1000,
                        "showWhen": _when("kostnader", "ovrigt"),
                    },
                    {
                        "type": "amount",
                        "name": "kostnad_ovrigt",
                        "label": "Den andra kostnaden, kronor",
                        "required": True,
                        "min": 0,
                        "max": 200000,
                        "showWhen": _when("kostnader", "ovrigt"),
                    },
                ],
            },
            {
                "id": "tillgangar",
                "title": "Tillgångar",
                "intro": (
                    "Ange bankkonton, fordon, fastigheter, aktier och fonder som du eller "
                    "medsökande äger. Lämna tomt om ni inte har några."
                ),
                "fields": [
                    {
                        "type": "group",
                        "name": "tillgangar",
                        "label": "Tillgång",
                        "maxItems": 20,
                        "prefill": "plugin:ekbist.answer.tillgangar",
                        "fields": [
                            {
                                "type": "select",
                                "name": "tillgang_typ",
                                "label": "Typ av tillgång",
                                "required": True,
                                "options": _opts(
                                    [
                                        ("bankkonto", "Bankkonto"),
                                        ("fordon", "Fordon"),
                                        ("fastighet", "Fastighet eller bostadsrätt"),
                                        ("aktier", "Aktier och fonder"),
                                        ("annat", "Annan tillgång"),
                                    ]
                                ),
                            },
                            {
                                "type": "radio",
                                "name": "tillgang_agare",
                                "label": "Vem äger den?",
                                "required": True,
                                "options": copy.deepcopy(PERSON_OPTIONS),
                            },
                            {
                                "type": "text",
                                "name": "tillgang_beskrivning",
                                "label": "Beskrivning",
                                "hint": "Till exempel bank, registreringsnummer eller fastighetsbeteckning.",
                                "maxLength": 200,
                            },
                            {
                                "type": "amount",
                                "name": "tillgang_varde",
                                "label": "Värde eller saldo i kronor",
                                "required": True,
                                "min": 0,
                            },
                        ],
                    }
                ],
            },
            {
                "id": "bilagor",
                "title": "Bilagor",
                "intro": "Bifoga underlagen nedan som bild eller PDF.",
                "fields": [
                    {
                        "type": "file",
                        "name": name,
                        "label": label,
                        **({"required": True} if required else {}),
                        **({"showWhen": copy.deepcopy(condition)} if condition else {}),
                        **FILES,
                    }
                    for name, label, condition, required in attachments
                ],
            },
            {
                "id": "ovrigt",
                "title": "Övrigt och underskrift",
                "fields": [
                    {
                        "type": "textarea",
                        "name": "ovrigt_meddelande",
                        "label": "Vill du berätta något mer för handläggaren?",
                        "maxLength": 4000,
                    },
                    {
                        "type": "info",
                        "text": (
                            "På nästa sida ser du en sammanfattning. Du skriver under med "
                            "e-legitimation. Har du en medsökande får hen en länk via e-post "
                            "och skriver under efter dig; först därefter skickas ansökan in."
                        ),
                    },
                ],
            },
        ],
    }
