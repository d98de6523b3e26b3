"""Issue 14: the product rules as the seed pages state them, checked through the `inkan` CLI
run as a process (`expiry`, `advise`). Each test names the seed it reads."""

import json

import pytest
from icalendar import Calendar


def advise(inkan, tmp_path, answers, today=None):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    args = ["advise", "--answers", str(path)] + (["--today", today] if today else [])
    code, out = inkan(*args)
    assert code == 0, out
    return {p["id"]: p for p in out["products"]}


# seed: 001_d4e7ca17d72183de.txt (「マッキントッシュ(Mac)、Linuxなど…ご利用になれません」)
@pytest.mark.parametrize("os_answer", ["mac", "linux", "ios", "android"])
def test_iprove_is_no_off_windows_and_says_why(inkan, tmp_path, os_answer):
    products = advise(inkan, tmp_path, {"os": os_answer})
    for pid in ("iprove-general", "iprove-dim"):
        p = products[pid]
        assert p["fit"] == "no"
        reason = next(r for r in p["reasons"] if r["code"] == "seller_environment_windows_only")
        assert "Internet Explorer 11" in reason["message"]["en"]
        assert "key made elsewhere" in reason["message"]["en"]
        # Where Inkan still helps, stated apart from where it makes the key.
        assert p["inkan"]["key"] == "seller_site"
        assert p["inkan"]["after_delivery"] == ["check", "repack", "plan"]
    assert products["jcan-123sign"]["inkan"]["key"] == "inkan"


# seed: 004_d25a5a965b92ed0f.txt (「WEBメール…利用することはできません」)
def test_other_webmail_rules_out_every_njc_product(inkan, tmp_path):
    products = advise(inkan, tmp_path, {"mail_client": "webmail_other", "purposes": ["smime_sign"], "os": "windows"})
    for pid in ("njc-secure-mail", "njc-access-control", "njc-class2-standard"):
        assert products[pid]["fit"] == "no"
        assert "webmail_not_supported" in [r["code"] for r in products[pid]["reasons"]]
    assert products["jcan-123sign"]["fit"] != "no"


# seed: 000_83bab2e9cbe37489.txt (「JCAN証明書の場合は最大で 3営業日」) + holidays.rs
def test_issuance_dates_for_applying_today(inkan, tmp_path):
    products = advise(inkan, tmp_path, {}, today="2025-05-02")
    jcan = products["jcan-123sign"]["issuance"]
    assert jcan["applied_on"] == "2025-05-02"
    assert jcan["latest"] == "2025-05-09"  # 3-6 May 2025 are holidays
    # seed: 004_d25a5a965b92ed0f.txt (「申請後15分程度」 is the PIN e-mail)
    njc = products["njc-secure-mail"]["issuance"]
    assert njc["milestone"] == "pin_email"
    assert "not the whole process" in njc["message"]["en"]
    # The year-end closure is Inkan's stated assumption.
    products = advise(inkan, tmp_path, {}, today="2025-12-26")
    assert products["jcan-123sign"]["issuance"]["latest"] == "2026-01-07"


# seed: 000_83bab2e9cbe37489.txt (「期限までにダウンロードされませんと、ダウンロード不能…料金は発生いたします」)
# seed: 003_8c0952f4faeac254.txt (30 days, then 自動キャンセル)
@pytest.mark.parametrize(
    "product, issued, downloaded, ja, en",
    [
        ("sign123", "2025-12-10", "2026-01-10", "料金は発生します", "the fee is still charged"),
        ("jcan-123sign", "2025-12-10", "2026-01-10", "料金は発生します", "the fee is still charged"),
        ("jcan-mcci", "2025-05-01", "2025-06-01", "自動的にキャンセル", "cancelled automatically"),
    ],
)
def test_download_after_the_window_fails_with_download_window_closed(inkan, product, issued, downloaded, ja, en):
    code, out = inkan("expiry", "--product", product, "--issued", issued, "--downloaded", downloaded)
    assert code != 0
    assert out["error"]["code"] == "download_window_closed"
    assert ja in out["error"]["message"]["ja"]
    assert en in out["error"]["message"]["en"]
    assert "refund" not in out["error"]["message"]["en"]


def test_the_last_day_of_the_window_is_still_open(inkan):
    code, out = inkan("expiry", "--product", "jcan-mcci", "--issued", "2025-05-01", "--downloaded", "2025-05-31")
    assert code == 0, out
    assert out["download_deadline"] == "2025-05-31"


# seed: 000_83bab2e9cbe37489.txt (「1年 (または 2年) を超えた四半期末」)
def test_quarter_end_reading_in_the_plan_and_the_ics(inkan, tmp_path):
    ics = tmp_path / "plan.ics"
    code, out = inkan("expiry", "--product", "jcan-123sign", "--downloaded", "2025-03-31", "--years", "2", "--ics", str(ics))
    assert code == 0, out
    assert out["expires"] == "2027-06-30"
    assert out["term_years"] == 2
    reading = next(r for r in out["readings"] if r["code"] == "jcan_quarter_end_strictly_after")
    assert reading["alternative_dates"] == ["2027-03-31"]
    description = str(Calendar.from_ical(ics.read_bytes()).walk("VEVENT")[0]["DESCRIPTION"])
    assert "2027-03-31" in description and "2027-06-30" in description
    assert "2-year term" in description
    assert ".txt" not in ics.read_text(encoding="utf-8")


# seed: 003_8c0952f4faeac254.txt (【期限切れ3ヶ月前】【期限切れ1ヶ月前】) — the reading Inkan chose, stated
def test_mcci_months_before_reading_is_stated(inkan):
    code, out = inkan("expiry", "--product", "jcan-mcci", "--downloaded", "2025-05-10")
    assert code == 0, out
    assert [n["date"] for n in out["notices"]] == ["2026-03-30", "2026-05-30", "2026-06-30"]
    reading = next(r for r in out["readings"] if r["code"] == "months_before_same_day_number")
    assert reading["alternative_dates"] == ["2026-03-31", "2026-05-31"]


# seed: 000_83bab2e9cbe37489.txt (「無駄の生じないよう」): the waste is the old certificate's rest
def test_jcan_final_quarter_wastes_nothing(inkan):
    code, out = inkan("expiry", "--product", "jcan-123sign", "--downloaded", "2025-05-10")
    assert code == 0, out
    assert out["no_waste_from"] == "2026-04-01"
    for day in ("2026-04-01", "2026-06-29"):
        code, again = inkan("expiry", "--product", "jcan-123sign", "--downloaded", day)
        assert again["expires"] == "2027-06-30"


# Applicants see the sellers' page titles, never the seed file names (issue 14, point 11).
def test_plan_sources_are_page_titles(inkan):
    code, out = inkan("expiry", "--product", "jcan-mcci", "--downloaded", "2025-05-10", "--issued", "2025-05-01")
    assert code == 0, out
    titles = [s["title"]["ja"] for s in out["sources"]]
    assert any("松本商工会議所" in t for t in titles)
    assert ".txt" not in json.dumps(out["sources"])


def test_human_output_shows_titles_not_seed_file_names():
    import os
    import subprocess

    from conftest import REPO_ROOT, _inkan_command

    result = subprocess.run(
        _inkan_command() + ["expiry", "--product", "jcan-mcci", "--downloaded", "2025-05-10"],
        cwd=REPO_ROOT,
        capture_output=True,
        timeout=1800,
        env={**os.environ, "LANG": "ja_JP.UTF-8"},
    )
    assert result.returncode == 0
    text = result.stdout.decode("utf-8")
    assert "松本商工会議所" in text
    assert ".txt" not in text
