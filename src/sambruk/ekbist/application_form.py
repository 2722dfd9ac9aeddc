"""The e-application's form definition (eforms JSON), built per kommun.

Field names are the contract with :mod:`ekbist.application_data` (``from_answers``). The
attachments a kommun requires are data: :data:`DEFAULT_ATTACHMENTS` lists (field name, label,
condition, required); ``build_definition(attachments=…)`` takes a kommun's own list, and a
published version can be changed like any form in the form editor (``/e-tjanster/admin/``).

Every text is ``{"sv": …, "en": …}``. :func:`add_english` gives an installed (possibly
kommun-edited) version's Swedish-only texts their English from this definition, keeping
everything else as it is (``services.application.upgrade_form`` publishes the result).
"""

from __future__ import annotations

import copy
from functools import cache

from .application_form_parts import (
    COST_OPTIONS,
    INCOME_OPTIONS,
    PERSON_OPTIONS,
    _opts,
    _t,
    _when,
    occupation_fields,
)

FORM_CODE = "ekonomiskt-bistand"
ESERVICE_SLUG = "ekonomiskt-bistand"
ESERVICE_NAME = "Ansökan om ekonomiskt bistånd"

FILES = {"accept": ["pdf", "png", "jpeg", "heic"], "maxFiles": 5, "maxSize": 10 * 1024 * 1024}

#: (field name, label — text or {"sv", "en"}, condition or None = always shown, required)
DEFAULT_ATTACHMENTS: list[tuple[str, str | dict, dict | None, bool]] = [
    (
        "bilaga_hyresavi",
        _t("Hyresavi eller hyreskontrakt", "Rent notice (hyresavi) or tenancy agreement"),
        _when("kostnader", "hyra"),
        True,
    ),
    (
        "bilaga_elrakning",
        _t("Elräkning", "Electricity bill"),
        _when("kostnader", "hushallsel"),
        False,
    ),
    (
        "bilaga_lakarintyg",
        _t("Läkarintyg (sjukskrivning)", "Medical certificate (sick leave)"),
        _when("sokande_sysselsattning", "sjukskriven"),
        True,
    ),
    (
        "bilaga_medsokande_lakarintyg",
        _t(
            "Medsökandes läkarintyg (sjukskrivning)",
            "Co-applicant's medical certificate (sick leave)",
        ),
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
        _t("Kvitton för läkarvård och medicin", "Receipts for medical care and medicine"),
        _when("kostnader", "lakarvard"),
        True,
    ),
    (
        "bilaga_tandvard",
        _t("Kostnadsförslag för tandvård", "Cost estimate for dental care"),
        _when("kostnader", "tandvard"),
        True,
    ),
    (
        "bilaga_barnomsorg",
        _t("Faktura för barnomsorg", "Invoice for childcare"),
        _when("kostnader", "barnomsorg"),
        False,
    ),
    ("bilaga_ovrigt", _t("Övriga underlag", "Other documents"), None, False),
]


def build_definition(attachments=None) -> dict:
    """The form definition document (validated by ``eforms.definition``)."""
    attachments = DEFAULT_ATTACHMENTS if attachments is None else attachments
    co = _when("har_medsokande", "yes")
    return {
        "formatVersion": 1,
        "title": _t(ESERVICE_NAME, "Application for financial assistance"),
        "pages": [
            {
                "id": "om_ansokan",
                "title": _t("Om ansökan", "About the application"),
                "intro": _t(
                    "Fält märkta * är obligatoriska. Du kan spara och fortsätta senare.",
                    "Fields marked * are required. You can save and continue later.",
                ),
                "fields": [
                    {
                        "type": "yesno",
                        "name": "skyddad",
                        "label": _t(
                            "Skyddade personuppgifter enligt folkbokföringen",
                            "Protected personal details according to the population register (folkbokföringen)",
                        ),
                        "hint": _t(
                            "Uppgiften hämtas från folkbokföringen och kan inte ändras här.",
                            "This is taken from the population register (folkbokföringen) and cannot be changed here.",
                        ),
                        "prefill": "plugin:ekbist.skyddad",
                        "readonly": True,
                    },
                    {
                        "type": "info",
                        "text": _t(
                            "Du har skyddade personuppgifter (skyddad folkbokföring eller "
                            "sekretessmarkering). Vi frågar inte efter din adress i ansökan. "
                            "Uppgifterna hanteras med sekretess: din adress visas bara för "
                            "handläggare med särskild behörighet, och varje gång någon läser "
                            "dina uppgifter loggas det.",
                            "You have protected personal details (skyddad folkbokföring or "
                            "sekretessmarkering). We do not ask for your address in the "
                            "application. Your details are handled confidentially: your address "
                            "is only shown to caseworkers with special permission, and every "
                            "time someone reads your details it is logged.",
                        ),
                        "showWhen": _when("skyddad", "yes"),
                    },
                    {
                        "type": "text",
                        "name": "sokande_namn",
                        "label": _t("Ditt namn", "Your name"),
                        "required": True,
                        "prefill": "eleg.full_name",
                        "readonly": True,
                    },
                    {
                        "type": "personnummer",
                        "name": "sokande_pnr",
                        "label": _t(
                            "Ditt personnummer", "Your personal identity number (personnummer)"
                        ),
                        "required": True,
                        "prefill": "eleg.civic_number",
                        "readonly": True,
                    },
                    {
                        "type": "radio",
                        "name": "ansokningstyp",
                        "label": _t("Vad gäller ansökan?", "What is the application for?"),
                        "required": True,
                        "prefill": "plugin:ekbist.kind",
                        "statistical": True,
                        "options": _opts(
                            [
                                (
                                    "nyansokan",
                                    "Nyansökan – jag söker för första gången",
                                    "New application (nyansökan) – I am applying for the "
                                    "first time",
                                ),
                                (
                                    "manadsansokan",
                                    "Månadsansökan – jag har sökt tidigare",
                                    "Monthly application (månadsansökan) – I have applied before",
                                ),
                            ]
                        ),
                    },
                    {
                        "type": "text",
                        "name": "period",
                        "label": _t("Månad du söker för", "Month you are applying for"),
                        "hint": _t(
                            "Skriv år och månad, till exempel 2026-12.",
                            "Write the year and month, for example 2026-12.",
                        ),
                        "required": True,
                        "prefill": "plugin:ekbist.period",
                        "pattern": "^20[0-9]{2}-(0[1-9]|1[0-2])$",
                        "patternMessage": _t(
                            "Skriv månaden som ÅÅÅÅ-MM, till exempel 2026-12.",
                            "Write the month as YYYY-MM, for example 2026-12.",
                        ),
                    },
                    {
                        "type": "email",
                        "name": "epost",
                        "label": _t("Din e-postadress", "Your email address"),
                        "hint": _t("Kvittensen skickas hit.", "The receipt is sent here."),
                        "required": True,
                        "contactRole": "email",
                    },
                    {
                        "type": "phone",
                        "name": "telefon",
                        "label": _t("Ditt telefonnummer", "Your phone number"),
                    },
                ],
            },
            {
                "id": "hushallet",
                "title": _t("Hushållet", "Your household"),
                "intro": _t(
                    "Ange vilka som bor med dig. Barn under 18 år och ungdomar upp till 21 år "
                    "som går i skolan ingår i ansökan.",
                    "Tell us who lives with you. Children under 18 and young people up to 21 "
                    "who go to school are included in the application.",
                ),
                "fields": [
                    {
                        "type": "yesno",
                        "name": "har_medsokande",
                        "label": _t(
                            "Söker du tillsammans med make, maka eller sambo?",
                            "Are you applying together with your husband, wife or partner (sambo)?",
                        ),
                        "hint": _t(
                            "Medsökande skriver också under ansökan med e-legitimation.",
                            "The co-applicant (medsökande) also signs the application with e-identification (e-legitimation).",
                        ),
                        "required": True,
                        "prefill": "plugin:ekbist.answer.har_medsokande",
                    },
                    {
                        "type": "text",
                        "name": "medsokande_namn",
                        "label": _t("Medsökandes namn", "Co-applicant's name"),
                        "required": True,
                        "prefill": "plugin:ekbist.answer.medsokande_namn",
                        "showWhen": co,
                    },
                    {
                        "type": "personnummer",
                        "name": "medsokande_pnr",
                        "label": _t(
                            "Medsökandes personnummer",
                            "Co-applicant's personal identity number (personnummer)",
                        ),
                        "required": True,
                        "prefill": "plugin:ekbist.answer.medsokande_pnr",
                        "showWhen": co,
                    },
                    {
                        "type": "group",
                        "name": "hushall",
                        "label": _t("Person i hushållet", "Person in the household"),
                        "maxItems": 12,
                        "prefill": "plugin:ekbist.answer.hushall",
                        "fields": [
                            {
                                "type": "text",
                                "name": "person_namn",
                                "label": _t("Namn", "Name"),
                                "required": True,
                            },
                            {
                                "type": "radio",
                                "name": "person_relation",
                                "label": _t("Vem är personen?", "Who is the person?"),
                                "required": True,
                                "options": _opts(
                                    [
                                        ("barn", "Barn eller ungdom", "Child or young person"),
                                        (
                                            "make_sambo",
                                            "Make, maka eller sambo",
                                            "Husband, wife or partner (sambo)",
                                        ),
                                        (
                                            "annan_vuxen",
                                            "Annan vuxen som bor i bostaden",
                                            "Another adult who lives in the home",
                                        ),
                                    ]
                                ),
                            },
                            {
                                "type": "date",
                                "name": "person_fodd",
                                "label": _t("Födelsedatum", "Date of birth"),
                                "required": True,
                                "max": "today",
                            },
                            {
                                "type": "radio",
                                "name": "person_boende",
                                "label": _t("Hur bor barnet?", "Where does the child live?"),
                                "required": True,
                                "showWhen": _when("person_relation", "barn"),
                                "options": _opts(
                                    [
                                        (
                                            "heltid",
                                            "Bor hos mig hela tiden",
                                            "Lives with me all the time",
                                        ),
                                        (
                                            "vaxelvis",
                                            "Växelvis boende",
                                            "Alternating residence (växelvis boende)",
                                        ),
                                        (
                                            "umgange",
                                            "Umgängesbarn",
                                            "Visits me (umgängesbarn)",
                                        ),
                                    ]
                                ),
                            },
                            {
                                "type": "number",
                                "name": "person_dagar",
                                "label": _t(
                                    "Antal dagar per månad hos dig",
                                    "Number of days per month with you",
                                ),
                                "required": True,
                                "min": 1,
                                "max": 31,
                                "showWhen": _when("person_boende", "vaxelvis", "umgange"),
                            },
                            {
                                "type": "yesno",
                                "name": "person_skola",
                                "label": _t(
                                    "Går i skolan (för ungdomar 18–21 år: gymnasiet)",
                                    "Goes to school (for young people aged 18–21: upper secondary school)",
                                ),
                                "showWhen": _when("person_relation", "barn"),
                            },
                            {
                                "type": "yesno",
                                "name": "person_skollunch",
                                "label": _t(
                                    "Äter lunch i förskola eller skola",
                                    "Eats lunch at preschool or school",
                                ),
                                "showWhen": _when("person_relation", "barn"),
                            },
                        ],
                    },
                ],
            },
            {
                "id": "boende",
                "title": _t("Boende", "Housing"),
                "fields": [
                    {
                        "type": "radio",
                        "name": "boendeform",
                        "label": _t("Hur bor du?", "What kind of housing do you have?"),
                        "required": True,
                        "statistical": True,
                        "prefill": "plugin:ekbist.answer.boendeform",
                        "options": _opts(
                            [
                                (
                                    "hyresratt",
                                    "Hyresrätt, förstahandskontrakt",
                                    "Rented apartment, first-hand contract (förstahandskontrakt)",
                                ),
                                (
                                    "andrahand",
                                    "Hyresrätt, andrahandskontrakt",
                                    "Rented apartment, sublet (andrahandskontrakt)",
                                ),
                                (
                                    "bostadsratt",
                                    "Bostadsrätt",
                                    "Tenant-owned apartment (bostadsrätt)",
                                ),
                                ("villa", "Eget hus", "My own house"),
                                (
                                    "inneboende",
                                    "Inneboende",
                                    "Lodger – I rent a room in someone else's home (inneboende)",
                                ),
                                ("foraldrar", "Bor hos föräldrar", "Living with my parents"),
                                ("utan", "Saknar bostad", "Homeless – I have no home"),
                            ]
                        ),
                    },
                    {
                        "type": "number",
                        "name": "rum",
                        "label": _t("Antal rum", "Number of rooms"),
                        "min": 0,
                        "max": 20,
                        "prefill": "plugin:ekbist.answer.rum",
                        "hideWhen": _when("boendeform", "utan"),
                    },
                    {
                        "type": "number",
                        "name": "antal_boende",
                        "label": _t(
                            "Antal personer som bor i bostaden",
                            "Number of people living in the home",
                        ),
                        "hint": _t(
                            "Alla som bor där, också du själv.",
                            "Everyone who lives there, including yourself.",
                        ),
                        "min": 1,
                        "max": 30,
                        "prefill": "plugin:ekbist.answer.antal_boende",
                        "hideWhen": _when("boendeform", "utan"),
                    },
                    {
                        "type": "text",
                        "name": "hyresvard",
                        "label": _t("Hyresvärd", "Landlord"),
                        "maxLength": 200,
                        "prefill": "plugin:ekbist.answer.hyresvard",
                        "showWhen": _when("boendeform", "hyresratt", "andrahand", "inneboende"),
                    },
                    {
                        "type": "amount",
                        "name": "hyra",
                        "label": _t("Hyra eller avgift per månad", "Rent or fee per month"),
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
                        "label": _t(
                            "Inkomst av andrahandsuthyrning per månad",
                            "Income from subletting per month",
                        ),
                        "hint": _t(
                            "Om du hyr ut en del av bostaden.", "If you rent out part of your home."
                        ),
                        "min": 0,
                        "max": 100000,
                        "hideWhen": _when("boendeform", "utan"),
                    },
                ],
            },
            {
                "id": "sysselsattning",
                "title": _t("Sysselsättning", "Occupation"),
                "fields": occupation_fields("sokande", None) + occupation_fields("medsokande", co),
            },
            {
                "id": "sjalvservice",
                "title": _t("Hämta uppgifter (Självservice)", "Fetch your details (Självservice)"),
                "fields": [
                    {
                        "type": "info",
                        "text": _t(
                            "Med ditt samtycke hämtar vi uppgifter om dina ersättningar från "
                            "Försäkringskassan, Arbetsförmedlingen, a-kassan, CSN och "
                            "Skatteverket och fyller i dem på sidan Inkomster. Du granskar "
                            "uppgifterna innan du skriver under. Handläggaren ser varifrån "
                            "varje uppgift kommer. Du kan när som helst ta tillbaka ditt "
                            "samtycke genom att svara Nej här; uppgifter som inte har skickats "
                            "in tas då bort.",
                            "With your consent we fetch information about your benefits from "
                            "the Social Insurance Agency (Försäkringskassan), the Public "
                            "Employment Service (Arbetsförmedlingen), your unemployment fund "
                            "(a-kassan), CSN and the Tax Agency (Skatteverket), and fill it in "
                            "on the Income page. You check the information before you sign. The "
                            "caseworker sees where each piece of information comes from. You "
                            "can withdraw your consent at any time by answering No here; "
                            "information that has not been submitted is then deleted.",
                        ),
                    },
                    {
                        "type": "yesno",
                        "name": "sjalvservice",
                        "label": _t(
                            "Jag samtycker till att uppgifter om mig hämtas från myndigheterna",
                            "I consent to information about me being fetched from the authorities",
                        ),
                        "required": True,
                    },
                ],
            },
            {
                "id": "inkomster",
                "title": _t("Inkomster", "Income"),
                "intro": _t(
                    "Ange hushållets inkomster per månad före skatt avdragen, efter skatt.",
                    "Enter the household's income per month, after tax.",
                ),
                "fields": [
                    {
                        "type": "group",
                        "name": "inkomster",
                        "label": _t("Inkomst", "Income"),
                        "maxItems": 20,
                        "prefill": "plugin:ekbist.answer.inkomster",
                        "fields": [
                            {
                                "type": "radio",
                                "name": "inkomst_person",
                                "label": _t("Vems inkomst?", "Whose income?"),
                                "required": True,
                                "options": copy.deepcopy(PERSON_OPTIONS),
                            },
                            {
                                "type": "select",
                                "name": "inkomst_typ",
                                "label": _t("Typ av inkomst", "Type of income"),
                                "required": True,
                                "options": copy.deepcopy(INCOME_OPTIONS),
                            },
                            {
                                "type": "amount",
                                "name": "inkomst_belopp",
                                "label": _t(
                                    "Belopp per månad efter skatt", "Amount per month after tax"
                                ),
                                "required": True,
                                "min": 0,
                                "max": 1000000,
                            },
                            {
                                "type": "text",
                                "name": "inkomst_beskrivning",
                                "label": _t("Från vem eller vad", "From whom or what"),
                                "maxLength": 200,
                            },
                        ],
                    }
                ],
            },
            {
                "id": "kostnader",
                "title": _t("Kostnader du söker för", "Costs you are applying for"),
                "intro": _t(
                    "Hyran hämtas från sidan Boende.", "The rent is taken from the Housing page."
                ),
                "fields": [
                    {
                        "type": "checkboxes",
                        "name": "kostnader",
                        "label": _t(
                            "Vilka kostnader söker du bistånd för?",
                            "Which costs are you applying for assistance with?",
                        ),
                        "statistical": True,
                        "prefill": "plugin:ekbist.answer.kostnader",
                        "options": copy.deepcopy(COST_OPTIONS),
                    },
                    *[
                        {
                            "type": "amount",
                            "name": f"kostnad_{value}",
                            "label": _t(
                                f"{label['sv']}, kronor per månad",
                                f"{label['en']}, kronor (SEK) per month",
                            ),
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
                        "label": _t("Vad är den andra kostnaden?", "What is the other cost?"),
                        "required": True,
                        "maxLength": 1000,
                        "showWhen": _when("kostnader", "ovrigt"),
                    },
                    {
                        "type": "amount",
                        "name": "kostnad_ovrigt",
                        "label": _t(
                            "Den andra kostnaden, kronor", "The other cost, in kronor (SEK)"
                        ),
                        "required": True,
                        "min": 0,
                        "max": 200000,
                        "showWhen": _when("kostnader", "ovrigt"),
                    },
                ],
            },
            {
                "id": "tillgangar",
                "title": _t("Tillgångar", "Assets"),
                "intro": _t(
                    "Ange bankkonton, fordon, fastigheter, aktier och fonder som du eller "
                    "medsökande äger. Lämna tomt om ni inte har några.",
                    "List bank accounts, vehicles, property, shares and funds that you or "
                    "your co-applicant (medsökande) own. Leave this empty if you have none.",
                ),
                "fields": [
                    {
                        "type": "group",
                        "name": "tillgangar",
                        "label": _t("Tillgång", "Asset"),
                        "maxItems": 20,
                        "prefill": "plugin:ekbist.answer.tillgangar",
                        "fields": [
                            {
                                "type": "select",
                                "name": "tillgang_typ",
                                "label": _t("Typ av tillgång", "Type of asset"),
                                "required": True,
                                "options": _opts(
                                    [
                                        ("bankkonto", "Bankkonto", "Bank account"),
                                        ("fordon", "Fordon", "Vehicle"),
                                        (
                                            "fastighet",
                                            "Fastighet eller bostadsrätt",
                                            "Property or tenant-owned apartment (bostadsrätt)",
                                        ),
                                        ("aktier", "Aktier och fonder", "Shares and funds"),
                                        ("annat", "Annan tillgång", "Other asset"),
                                    ]
                                ),
                            },
                            {
                                "type": "radio",
                                "name": "tillgang_agare",
                                "label": _t("Vem äger den?", "Who owns it?"),
                                "required": True,
                                "options": copy.deepcopy(PERSON_OPTIONS),
                            },
                            {
                                "type": "text",
                                "name": "tillgang_beskrivning",
                                "label": _t("Beskrivning", "Description"),
                                "hint": _t(
                                    "Till exempel bank, registreringsnummer eller fastighetsbeteckning.",
                                    "For example the bank, the registration number or the property designation (fastighetsbeteckning).",
                                ),
                                "maxLength": 200,
                            },
                            {
                                "type": "amount",
                                "name": "tillgang_varde",
                                "label": _t(
                                    "Värde eller saldo i kronor", "Value or balance in kronor (SEK)"
                                ),
                                "required": True,
                                "min": 0,
                            },
                        ],
                    }
                ],
            },
            {
                "id": "bilagor",
                "title": _t("Bilagor", "Attachments"),
                "intro": _t(
                    "Bifoga underlagen nedan som bild eller PDF.",
                    "Attach the documents below as a photo or PDF.",
                ),
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
                "title": _t("Övrigt och underskrift", "Other information and signing"),
                "fields": [
                    {
                        "type": "textarea",
                        "name": "ovrigt_meddelande",
                        "label": _t(
                            "Vill du berätta något mer för handläggaren?",
                            "Is there anything else you want to tell the caseworker (handläggare)?",
                        ),
                        "maxLength": 4000,
                    },
                    {
                        "type": "info",
                        "text": _t(
                            "På nästa sida ser du en sammanfattning. Du skriver under med "
                            "e-legitimation. Har du en medsökande får hen en länk via e-post "
                            "och skriver under efter dig; först därefter skickas ansökan in.",
                            "On the next page you see a summary. You sign with "
                            "e-identification (e-legitimation). If you have a co-applicant "
                            "(medsökande), they get a link by email and sign after you; only "
                            "then is the application submitted.",
                        ),
                    },
                ],
            },
        ],
    }


#: The keys of a definition whose values are texts shown to the citizen.
TEXT_KEYS = frozenset(
    {
        "title",
        "description",
        "intro",
        "label",
        "hint",
        "text",
        "requiredMessage",
        "patternMessage",
        "itemLabel",
    }
)


def _texts(node):
    """Every localized ``{"sv", "en"}`` text in a definition document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in TEXT_KEYS and isinstance(value, dict):
                if value.get("sv") and value.get("en"):
                    yield value
            else:
                yield from _texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)


@cache
def english_texts() -> dict[str, str]:
    """Swedish text → English text of the built-in definition (with the default attachments)."""
    found: dict[str, str] = {}
    for text in _texts(build_definition()):
        found.setdefault(text["sv"], text["en"])
    return found


def add_english(schema: dict) -> dict:
    """A copy of ``schema`` whose built-in texts without English get it.

    A text is recognised by its Swedish wording (a plain string, or ``{"sv": …}`` without
    ``en``); texts the kommun wrote itself and texts that already have English stay as they
    are, as does everything that is not a text (names, option values, conditions).
    """
    english = english_texts()

    def walk(node):
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key in TEXT_KEYS and isinstance(value, str) and value in english:
                    out[key] = {"sv": value, "en": english[value]}
                elif (
                    key in TEXT_KEYS
                    and isinstance(value, dict)
                    and not value.get("en")
                    and value.get("sv") in english
                ):
                    out[key] = {**value, "en": english[value["sv"]]}
                else:
                    out[key] = walk(value)
            return out
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(schema)
