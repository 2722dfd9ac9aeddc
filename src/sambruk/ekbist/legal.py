"""Legal references printed by ekonomiskt bistånd (decision letter, Multifråga, Självservice).

One place for them, so that the renumbering of the socialtjänstlag is one edit. The new
socialtjänstlag (2025:400) replaced socialtjänstlagen (2001:453) on 2025-07-01, so decisions
and queries made now rest on the new law. The sources the search tool held on 2026-11-26 did
not give the new law's paragraph numbers (see docs/ekbist.md, "Sources checked"), so the new law
is cited without a paragraph; the old paragraphs are kept only where a current source ties them:
förordningen (2008:975) says (1 §, lydelse SFS 2022:870) that it details what the agencies report
"enligt 11 kap. 11–11 b §§ socialtjänstlagen (2001:453)". Add the new paragraph here once it is
checked against SFS 2025:400 (and whether 2008:975 has been amended to point at it).
"""

from __future__ import annotations

#: The socialtjänstlag in force (from 2025-07-01).
SOL = "socialtjänstlagen (2025:400)"
#: The ordinance on what CSN, FK, a-kassorna, AF, Skatteverket and Pensionsmyndigheten report.
REGISTER_ORDINANCE = (
    "förordningen (2008:975) om uppgiftsskyldighet i vissa fall enligt socialtjänstlagen"
)
#: The old provisions the ordinance itself refers to (its 1 §).
OLD_SOL_DISCLOSURE = "11 kap. 11–11 b §§ socialtjänstlagen (2001:453)"

#: SSBTEK's ``lagtext`` ("sekretessbrytande regel … som stöder själva utlämnandet") for
#: Multifråga; also stored on the query, in its audit events and in the case-log note
#: (``MultifragaQuery.legal_basis`` holds at most 200 characters).
MULTIFRAGA_LEGAL_BASIS = f"{SOL}; {REGISTER_ORDINANCE}, jfr {OLD_SOL_DISCLOSURE}"
#: The same for the applicant's own Självservice query, which also rests on consent.
SELFSERVICE_LEGAL_BASIS = f"{MULTIFRAGA_LEGAL_BASIS}; samtycke från den enskilde"
#: The provision on appeal time that the decision letter explains (the appeal goes to
#: förvaltningsrätten, in writing, sent to the kommun within three weeks from the day the
#: applicant *fick del av* the decision).
APPEAL_TIME = "förvaltningslagen (2017:900) 44 §"
