"""load_riksnorm, the stored tables, guidelines and the Swedish error for a missing year."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from sambruk.ekbist.models import CommonCost, HousingCap, LocalGuideline, NormYear, PersonalCost
from sambruk.ekbist.norm import Costs, Household, Member, NormError
from sambruk.ekbist.services.norm import need_for

ADULT = Member(35, adult=True)


def rows():
    return NormYear.objects.count(), PersonalCost.objects.count(), CommonCost.objects.count()


@pytest.mark.django_db
def test_load_riksnorm_is_idempotent_and_keeps_admin_corrections(capsys):
    call_command("load_riksnorm")
    first = rows()
    assert first == (5, 8 * 5 + 4 * 3, 7 * 5)  # 2015, 2016, 2017, 2021, 2023
    corrected = CommonCost.objects.get(year__year=2016, household_size=1)
    corrected.amount = 945
    corrected.save()
    call_command("load_riksnorm")
    out = capsys.readouterr().out
    assert rows() == first
    assert "0 nya, 0 ändrade" in out
    corrected.refresh_from_db()
    assert corrected.amount == 945
    call_command("load_riksnorm", "--update")
    corrected.refresh_from_db()
    assert corrected.amount == 940
    assert "1 ändrade" in capsys.readouterr().out


@pytest.mark.django_db
def test_stored_tables_give_the_published_totals():
    call_command("load_riksnorm")
    assert need_for(2023, Household((ADULT,)), Costs(), []).norm_total == 4620
    assert need_for(2023, Household((ADULT, ADULT)), Costs(), []).norm_total == 7550
    with_lunch = need_for(2021, Household((ADULT, Member(2, school_lunch=True))), Costs(), [])
    assert [x.amount for x in with_lunch.lines] == [3160, 2240, 1130]


@pytest.mark.django_db
def test_missing_year_gives_a_clear_swedish_error():
    call_command("load_riksnorm")
    with pytest.raises(NormError) as exc:
        need_for(2026, Household((ADULT,)), Costs(), [])
    assert str(exc.value) == (
        "Riksnormen för 2026 finns inte inlagd. En administratör lägger in årets belopp "
        "under Administration → Riksnorm per år."
    )


@pytest.mark.django_db
def test_a_year_entered_as_data_is_used_with_the_organisations_guideline(org_factory):
    year = NormYear.objects.create(year=2030, adult_single=4000, adults_couple=7000)
    for size in range(1, 8):
        CommonCost.objects.create(year=year, household_size=size, amount=1000 + 100 * size)
    PersonalCost.objects.create(year=year, age_from=0, age_to=20, amount=2500)
    org, other = org_factory(), org_factory()
    guideline = LocalGuideline.objects.create(organisation=org, year=2030, source="KF § 12")
    HousingCap.objects.create(guideline=guideline, household_size=1, max_amount=6000)
    household = Household((ADULT, Member(4)))
    capped = need_for(2030, household, Costs(housing=7000), [], organisation=org)
    assert capped.norm_total == 4000 + 2500 + 1200
    assert capped.section("cost")[0].amount == 6000
    assert capped.section("cost")[0].requested == 7000
    uncapped = need_for(2030, household, Costs(housing=7000), [], organisation=other)
    assert uncapped.section("cost")[0].amount == 7000


def test_load_riksnorm_reports_a_broken_file(tmp_path):
    bad = tmp_path / "riksnorm.csv"
    bad.write_text("year,component,amount_sek_per_month,note\n2030,personal_adult_single,4000,\n")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="År 2030 saknar common_hh1"):
        call_command("load_riksnorm", "--path", str(bad))
