"""Cross-checks inkan's Japanese holiday calculation (crate/knowledge/src/holidays.rs) against the
`jpholiday` package for every day from 2000-01-01 to 2050-12-31.

The Rust side computes holidays from the rules of 国民の祝日に関する法律 (equinoxes by the
standard formula); jpholiday 1.0.3 computes equinoxes astronomically. The two agree on every
equinox of 2000-2099, so no exceptions are needed; KNOWN_DIFFERENCES stays empty unless a
future jpholiday release predicts a different equinox day, and then each entry must say why.
"""

import datetime

import jpholiday
import pytest

FROM = datetime.date(2000, 1, 1)
TO = datetime.date(2050, 12, 31)

# date -> reason. Only for differences that actually occur and are explained.
KNOWN_DIFFERENCES: dict = {}


@pytest.fixture(scope="module")
def inkan_holidays(run_example):
    out = run_example("holidays_dump", FROM.isoformat(), TO.isoformat()).stdout.decode("utf-8")
    holidays = {}
    for line in out.splitlines():
        if not line.strip():
            continue
        day, name = line.split(" ", 1)
        holidays[datetime.date.fromisoformat(day)] = name
    return holidays


@pytest.fixture(scope="module")
def jp_holidays():
    return {day: name for day, name in jpholiday.between(FROM, TO)}


def test_every_holiday_date_matches_jpholiday(inkan_holidays, jp_holidays):
    only_inkan = sorted(set(inkan_holidays) - set(jp_holidays) - set(KNOWN_DIFFERENCES))
    only_jp = sorted(set(jp_holidays) - set(inkan_holidays) - set(KNOWN_DIFFERENCES))
    report = [f"only inkan:     {d} {inkan_holidays[d]}" for d in only_inkan]
    report += [f"only jpholiday: {d} {jp_holidays[d]}" for d in only_jp]
    assert not report, "holiday mismatches:\n" + "\n".join(report)
    assert len(inkan_holidays) > 850  # about 17.5 a year over 51 years


def normalise(name):
    # jpholiday names a substitute holiday after the holiday it replaces ("元日 振替休日");
    # the Act, and inkan, call it 振替休日.
    return "振替休日" if name.endswith("振替休日") else name


def test_every_holiday_name_matches_jpholiday(inkan_holidays, jp_holidays):
    report = [
        f"{day}: inkan {inkan_holidays[day]!r}, jpholiday {jp_holidays[day]!r}"
        for day in sorted(set(inkan_holidays) & set(jp_holidays))
        if inkan_holidays[day] != normalise(jp_holidays[day])
    ]
    assert not report, "holiday name mismatches:\n" + "\n".join(report)


def test_known_differences_still_occur(inkan_holidays, jp_holidays):
    for day, reason in KNOWN_DIFFERENCES.items():
        assert (day in inkan_holidays) != (day in jp_holidays), f"{day} no longer differs ({reason})"


@pytest.mark.parametrize(
    "day, name",
    [
        ("2019-04-30", "国民の休日"),
        ("2019-05-01", "天皇の即位の日"),
        ("2019-05-02", "国民の休日"),
        ("2009-09-22", "国民の休日"),
        ("2015-09-22", "国民の休日"),
        ("2026-09-22", "国民の休日"),
        ("2020-07-24", "スポーツの日"),
        ("2021-08-09", "振替休日"),
    ],
)
def test_landmark_days(inkan_holidays, day, name):
    assert inkan_holidays[datetime.date.fromisoformat(day)] == name


def test_years_outside_the_supported_range_fail_cleanly(run_example):
    result = run_example("holidays_dump", "1999-12-01", "2000-01-31", check=False)
    assert result.returncode != 0
    assert b"2000" in result.stderr
