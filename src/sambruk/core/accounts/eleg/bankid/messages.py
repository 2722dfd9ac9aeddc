"""hintCodes and errorCodes of the RP API v6 → the user messages BankID recommends (RFA).

The texts follow the recommended user messages (RFA1–RFA23) of BankID's RP guidelines.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

RFA = {
    "RFA1": _("Starta BankID-appen."),
    "RFA2": _("Du har inte BankID-appen installerad. Kontakta din bank."),
    "RFA3": _("Åtgärden avbröts. Försök igen."),
    "RFA4": _(
        "En identifiering eller underskrift för det här personnumret har redan påbörjats. "
        "Försök igen."
    ),
    "RFA5": _("Internt tekniskt fel. Försök igen."),
    "RFA6": _("Åtgärden avbröts."),
    "RFA8": _(
        "BankID-appen svarar inte. Kontrollera att den är startad och att du har "
        "internetanslutning. Om du inte har något giltigt BankID kan du skaffa ett hos din "
        "bank. Försök sedan igen."
    ),
    "RFA9": _("Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under."),
    "RFA13": _("Försöker starta BankID-appen."),
    "RFA15": _(
        "Söker efter BankID, det kan ta en liten stund … Om det har gått några sekunder och "
        "inget BankID har hittats har du sannolikt inget BankID som går att använda här. "
        "Om du inte har något BankID kan du skaffa ett hos din bank."
    ),
    "RFA16": _(
        "Det BankID du försöker använda är för gammalt eller spärrat. Använd ett annat "
        "BankID eller skaffa ett nytt hos din bank."
    ),
    "RFA17": _(
        "Det gick inte att läsa av QR-koden. Starta BankID-appen och läs av QR-koden. "
        "Kontrollera att BankID-appen är uppdaterad. Om du inte har BankID-appen måste du "
        "installera den och skaffa ett BankID hos din bank."
    ),
    "RFA21": _("Identifiering eller underskrift pågår."),
    "RFA22": _("Okänt fel. Försök igen."),
    "RFA23": _("Fotografera och läs av din ID-handling med BankID-appen."),
    "CALL_CONFIRM": _("Bekräfta samtalet i BankID-appen."),
    "CALL_DECLINED": _("Du avböjde samtalet. Åtgärden avbröts."),
}

# hintCode of a pending order → RFA (QR flow; with autostart on the same device
# outstandingTransaction is RFA13).
PENDING = {
    "outstandingTransaction": "RFA1",
    "noClient": "RFA1",
    "started": "RFA15",
    "userMrtd": "RFA23",
    "userCallConfirm": "CALL_CONFIRM",
    "userSign": "RFA9",
}
FAILED = {
    "expiredTransaction": "RFA8",
    "certificateErr": "RFA16",
    "userCancel": "RFA6",
    "cancelled": "RFA3",
    "startFailed": "RFA17",
    "userDeclinedCall": "CALL_DECLINED",
}
ERRORS = {
    "alreadyInProgress": "RFA4",
    "invalidParameters": "RFA22",
    "unauthorized": "RFA22",
    "notFound": "RFA22",
    "requestTimeout": "RFA5",
    "internalError": "RFA5",
    "maintenance": "RFA5",
}


def rfa_for(status: str, hint_code: str | None, *, autostart: bool = False) -> str:
    if status == "pending":
        if autostart and hint_code == "outstandingTransaction":
            return "RFA13"
        return PENDING.get(hint_code or "", "RFA21")
    if status == "failed":
        return FAILED.get(hint_code or "", "RFA22")
    return ""


def message_for(status: str, hint_code: str | None, *, autostart: bool = False) -> str:
    code = rfa_for(status, hint_code, autostart=autostart)
    return str(RFA[code]) if code else ""


def error_message(error_code: str) -> str:
    return str(RFA[ERRORS.get(error_code, "RFA22")])
