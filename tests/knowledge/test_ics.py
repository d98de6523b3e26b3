"""Validates the iCalendar output of crate/knowledge/src/expiry.rs (via crate/knowledge/examples/expiry_ics.rs)
with the `icalendar` package and checks the RFC 5545 details a parser may forgive: CRLF line
ends, lines of at most 75 octets folded on UTF-8 boundaries, TEXT escaping."""

import datetime

import pytest
from icalendar import Calendar

STAMP = "20250601T101500Z"


@pytest.fixture(scope="module")
def ics_for(run_example):
    def run(*args):
        return run_example("expiry_ics", *args, env_extra={"INKAN_ICS_STAMP": STAMP}).stdout

    return run


CASES = [
    # (args, expected event kinds in date order)
    (
        # seed: 003_8c0952f4faeac254.txt (3 months / 1 month / same day; reminders 15 and 30 days)
        ("jcan-mcci", "2025-05-10", "1", "2025-05-01"),
        [
            ("2025-05-16", "download_reminder"),
            ("2025-05-31", "download_reminder"),
            ("2025-05-31", "download_deadline"),
            ("2026-03-30", "expiry_notice_3_months"),
            ("2026-05-30", "expiry_notice_1_month"),
            ("2026-06-30", "expiry_notice_same_day"),
        ],
    ),
    (
        # seed: 000_83bab2e9cbe37489.txt (4 and 2 weeks before; same day a year later)
        ("sign123", "2024-02-29", "1"),
        [
            ("2025-01-31", "expiry_notice_4_weeks"),
            ("2025-02-14", "expiry_notice_2_weeks"),
            ("2025-02-28", "expires"),
        ],
    ),
    (
        # seed: 000_83bab2e9cbe37489.txt (JCAN: quarter end after the anniversary, strictly)
        ("jcan-123sign", "2025-03-31", "-", "2025-03-25"),
        [
            ("2025-04-24", "download_deadline"),
            ("2026-06-02", "expiry_notice_4_weeks"),
            ("2026-06-16", "expiry_notice_2_weeks"),
            ("2026-06-30", "expires"),
        ],
    ),
    (
        # seed: 001_d4e7ca17d72183de.txt (396 days, no notices stated)
        ("iprove-general", "2025-01-01"),
        [("2026-02-01", "expires")],
    ),
]


@pytest.mark.parametrize("args, expected", CASES, ids=[c[0][0] for c in CASES])
def test_ics_parses_and_has_one_event_per_entry(ics_for, args, expected):
    raw = ics_for(*args)
    calendar = Calendar.from_ical(raw)
    assert str(calendar["VERSION"]) == "2.0"
    assert "Inkan" in str(calendar["PRODID"])
    events = calendar.walk("VEVENT")
    got = [(ev.decoded("DTSTART").isoformat(), str(ev["X-INKAN-KIND"])) for ev in events]
    assert got == expected
    uids = [str(ev["UID"]) for ev in events]
    assert len(set(uids)) == len(uids)
    for ev in events:
        start = ev.decoded("DTSTART")
        assert isinstance(start, datetime.date) and not isinstance(start, datetime.datetime)
        assert ev.decoded("DTEND") == start + datetime.timedelta(days=1)
        assert ev.decoded("DTSTAMP") == datetime.datetime(2025, 6, 1, 10, 15, tzinfo=datetime.timezone.utc)
        summary = str(ev["SUMMARY"])
        ja, en = summary.split(" / ", 1)
        assert any(ord(ch) > 0x3000 for ch in ja), summary
        assert en.isascii(), summary
        alarms = ev.walk("VALARM")
        assert len(alarms) == 1
        assert str(alarms[0]["ACTION"]) == "DISPLAY"
        assert alarms[0].decoded("TRIGGER") == datetime.timedelta(hours=9)
        assert str(alarms[0]["DESCRIPTION"]) == summary


def test_raw_lines_are_crlf_folded_and_utf8(ics_for):
    raw = ics_for("jcan-mcci", "2025-05-10", "1", "2025-05-01")
    raw.decode("utf-8")  # folding must not split a character
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    lines = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines), [l for l in lines if len(l) > 75]
    assert any(line.startswith(b" ") for line in lines), "long Japanese summaries should fold"
    for line in lines:
        line.decode("utf-8")


def test_text_values_are_escaped_and_round_trip(ics_for):
    raw = ics_for("jcan-mcci", "2025-05-10", "1", "2025-05-01")
    unfolded = raw.replace(b"\r\n ", b"").decode("utf-8")
    # The sources are the sellers' page titles (a comma inside a title is escaped), never the
    # seed file names.
    assert "Infraware 1-2-3 Signature\\, " in unfolded
    assert ".txt" not in unfolded
    description = str(Calendar.from_ical(raw).walk("VEVENT")[0]["DESCRIPTION"])
    assert "\n" in description
    assert "Infraware 1-2-3 Signature, " in description
    assert "松本商工会議所 MCCI電子証明書サービス" in description


def test_uids_are_stable_between_runs(ics_for):
    first = Calendar.from_ical(ics_for("sign123", "2025-06-15", "2"))
    second = Calendar.from_ical(ics_for("sign123", "2025-06-15", "2"))
    assert [str(e["UID"]) for e in first.walk("VEVENT")] == [str(e["UID"]) for e in second.walk("VEVENT")]


@pytest.mark.parametrize(
    "args",
    [
        ("nope", "2025-01-01"),
        ("njc-secure-mail", "2025-01-01", "2"),
        ("sign123", "2025-02-30"),
        ("sign123", "2201-01-01"),
    ],
)
def test_bad_input_fails_cleanly(run_example, args):
    result = run_example("expiry_ics", *args, env_extra={"INKAN_ICS_STAMP": STAMP}, check=False)
    assert result.returncode == 1
    assert result.stdout == b""
    assert b"panicked" not in result.stderr
