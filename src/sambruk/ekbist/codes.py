"""Code lists of Socialstyrelsen's monthly statistics on ekonomiskt bistånd (HSLF-FS 2015:30).

The kommun reports per calendar month, by the 15th of the following month, the households and
persons granted assistance, each adult's *försörjningshinder* (bilaga 1) and, when the
assistance ends, the *avslutsorsak* (bilaga 2). The codes below follow the main categories of
Socialstyrelsen's "Instruktion för registrering av ekonomiskt bistånd" (2017): arbetslöshet
(without, with insufficient or awaiting compensation; with etableringsersättning),
sjukskrivning, arbetshinder of social or health reasons, föräldraledighet, insufficient income
from work or pension, studies and other. The stored value is the stable code on the left; the
kommun's statistics export uses it. Verify against the current bilaga before reporting
(Socialstyrelsen revises the lists; a new code is a data change here, not a schema change).

Checked against the sources the search tool holds on 2026-11-26 (see docs/ekbist.md, "Sources
checked"): HSLF-FS 2015:30 1–4 §§ were found, its bilagor 1 and 2 (the code lists themselves)
were not, so :class:`Forsorjningshinder` and :class:`Avslutsorsak` are unverified and unchanged.
:class:`Hushallstyp` is the register's variable as Socialstyrelsen's variabelförteckning prints it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Forsorjningshinder(models.TextChoices):
    ARBETSLOS_UTAN_ERSATTNING = "arbetslos_utan", _("Arbetslös – ingen ersättning")
    ARBETSLOS_OTILLRACKLIG = "arbetslos_otillracklig", _("Arbetslös – otillräcklig ersättning")
    ARBETSLOS_VANTAR = "arbetslos_vantar", _("Arbetslös – väntar på ersättning")
    ARBETSLOS_ETABLERING = (
        "arbetslos_etablering",
        _("Arbetslös – med etableringsersättning (otillräcklig eller väntar)"),
    )
    SJUKSKRIVEN_UTAN = "sjukskriven_utan", _("Sjukskriven med läkarintyg – ingen ersättning")
    SJUKSKRIVEN_OTILLRACKLIG = (
        "sjukskriven_otillracklig",
        _("Sjukskriven med läkarintyg – otillräcklig ersättning"),
    )
    SJUKSKRIVEN_VANTAR = (
        "sjukskriven_vantar",
        _("Sjukskriven med läkarintyg – väntar på ersättning"),
    )
    ARBETSHINDER_SOCIALA = "arbetshinder_sociala", _("Arbetshinder – sociala skäl")
    ARBETSHINDER_OHALSA = "arbetshinder_ohalsa", _("Arbetshinder – ohälsa")
    FORALDRALEDIG = "foraldraledig", _("Föräldraledig")
    ARBETAR_HELTID = "arbetar_heltid", _("Arbetar heltid – otillräcklig inkomst")
    ARBETAR_DELTID = "arbetar_deltid", _("Arbetar deltid – otillräcklig inkomst")
    OTILLRACKLIG_PENSION = "otillracklig_pension", _("Otillräcklig pension")
    STUDERANDE = "studerande", _("Studerande – otillräcklig inkomst")
    ANNAT = "annat", _("Annat försörjningshinder")
    EJ_KARTLAGT = "ej_kartlagt", _("Försörjningshinder ej kartlagt")


#: Main groups of :class:`Forsorjningshinder` (Socialstyrelsen reports per group as well).
FORSORJNINGSHINDER_GROUPS = {
    "arbetslos": _("Arbetslöshet"),
    "sjukskriven": _("Sjukskrivning"),
    "arbetshinder": _("Arbetshinder"),
    "foraldraledig": _("Föräldraledighet"),
    "arbetar": _("Arbete med otillräcklig inkomst"),
    "otillracklig": _("Otillräcklig pension"),
    "studerande": _("Studier"),
    "annat": _("Annat"),
    "ej": _("Ej kartlagt"),
}


def forsorjningshinder_group(code: str) -> str:
    """The main group of a försörjningshinder code (``arbetslos_utan`` → ``arbetslos``)."""
    return (code or "").split("_", 1)[0]


class Avslutsorsak(models.TextChoices):
    ARBETE = "arbete", _("Arbete")
    STUDIER = "studier", _("Studier med studiemedel")
    ARBETSLOSHETSERSATTNING = (
        "arbetsloshetsersattning",
        _("Arbetslöshetsersättning eller aktivitetsstöd"),
    )
    SJUKPENNING = "sjukpenning", _("Sjukpenning, sjuk- eller aktivitetsersättning")
    PENSION = "pension", _("Pension")
    FORALDRAPENNING = "foraldrapenning", _("Föräldrapenning")
    ANNAN_ERSATTNING = "annan_ersattning", _("Annan ersättning eller inkomst")
    FLYTTAT = "flyttat", _("Flyttat från kommunen")
    AVLIDEN = "avliden", _("Avliden")
    EJ_KONTAKT = "ej_kontakt", _("Avbrutit kontakten / okänd orsak")
    ANNAN = "annan", _("Annan orsak")


class Hushallstyp(models.TextChoices):
    """Hushållstyp of a biståndshushåll, with the codes of Socialstyrelsen's register over
    ekonomiskt bistånd (variabelförteckning, "Hushållstyp"; there is no code 2). The kommun does
    not report it: it follows from the household (sökande, medsökande, children under 18), which
    is how :func:`sambruk.ekbist.services.statistics.hushallstyp` derives it."""

    ENBART_BARN = "1", _("Enbart barn under 18 år")
    ENSAM_MAN_UTAN_BARN = "3", _("Ensamstående man utan barn")
    ENSAM_MAN_MED_BARN = "4", _("Ensamstående man med barn")
    ENSAM_KVINNA_UTAN_BARN = "5", _("Ensamstående kvinna utan barn")
    ENSAM_KVINNA_MED_BARN = "6", _("Ensamstående kvinna med barn")
    PAR_UTAN_BARN = "7", _("Sammanboende par utan barn")
    PAR_MED_BARN = "8", _("Sammanboende par med barn")
    OKAND = "9", _("Okänd hushållstyp")
