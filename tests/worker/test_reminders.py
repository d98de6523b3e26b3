"""Reminders at the catalog's offsets (MCCI: 15 and 30 days after issuance, then auto-cancel,
seed 003_8c0952f4faeac254.txt), delivered as HMAC-signed webhooks, once each."""

import time

import helpers
from conftest import native_only


def wait_for(predicate, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def tick_until(api, predicate, passes=10):
    """Runs background passes until `predicate` holds (a pass sends a bounded number of
    reminders, older ones first)."""
    for _ in range(passes):
        api.tick()
        if wait_for(predicate, timeout=2):
            return True
        api.advance(61)  # past the first retry delay of a failed delivery
    return False


def reminders_of(api, app_id):
    r = api.admin("/api/admin/reminders", method="GET")
    assert r.status_code == 200, r.text
    return {x["kind"]: x for x in r.json()["reminders"] if x["application_id"] == app_id}


def test_mcci_reminders_then_auto_cancel_each_delivered_once(target):
    if target.receiver is None:
        return
    api = target.api()
    app_id = api.issued_application(product="jcan-mcci")
    listed = reminders_of(api, app_id)
    # Seed 003's 15- and 30-day reminders; the last goes the day before the window closes.
    assert set(listed) == {"download_reminder_15d", "download_reminder_29d"}
    assert all(x["state"] == "pending" for x in listed.values())

    api.advance(15 * 86400 + 1)
    key15 = f"{app_id}:download_reminder_15d"
    assert tick_until(api, lambda: key15 in target.receiver.keys()), reminders_of(api, app_id)["download_reminder_15d"]
    delivery = next(d for d in target.receiver.deliveries if d["key"] == key15)
    assert delivery["body"]["kind"] == "download_reminder_15d"
    assert delivery["body"]["applicant"]["email"] == "taro@example.jp"
    assert api.get(f"/api/applications/{app_id}").json()["status"] == "issued"

    api.advance(15 * 86400)
    assert tick_until(api, lambda: f"{app_id}:auto_cancelled" in target.receiver.keys()), reminders_of(api, app_id)["auto_cancelled"]["last_error"]
    assert api.get(f"/api/applications/{app_id}").json()["status"] == "cancelled"
    keys = target.receiver.keys()
    assert f"{app_id}:download_reminder_29d" in keys and f"{app_id}:auto_cancelled" in keys
    # The last reminder goes out before the cancellation notice, on the day before.
    assert keys.index(f"{app_id}:download_reminder_29d") < keys.index(f"{app_id}:auto_cancelled")
    assert target.receiver.bad_signatures == 0

    # Further passes deliver nothing again.
    api.tick()
    api.tick()
    mine = [k for k in target.receiver.keys() if k.startswith(app_id)]
    assert len(mine) == len(set(mine)) == 3


def test_download_reminders_are_skipped_after_download_and_expiry_notices_scheduled(target):
    if target.receiver is None:
        return
    api = target.api()
    app_id = api.issued_application(product="jcan-mcci")
    assert api.download(app_id).status_code == 200
    listed = reminders_of(api, app_id)
    # seed 003: expiry notices 3 months and 1 month before, and on the day.
    assert {"expiry_notice_3_months", "expiry_notice_1_month", "expiry_notice_same_day"} <= set(listed)
    api.advance(15 * 86400 + 1)
    assert tick_until(api, lambda: reminders_of(api, app_id)["download_reminder_15d"]["state"] == "skipped")
    assert f"{app_id}:download_reminder_15d" not in target.receiver.keys()


def test_reminders_are_not_duplicated_after_a_restart(target, tmp_path):
    native_only(target)
    receiver = helpers.Receiver(helpers.REMINDER_SECRET)
    env = {"INKAN_REMINDER_URL": receiver.url, "INKAN_REMINDER_SECRET": helpers.REMINDER_SECRET}
    server = helpers.NativeServer(str(tmp_path / "data"), env).start()
    try:
        api = server.api()
        app_id = api.issued_application(product="jcan-mcci")
        api.advance(15 * 86400 + 1)
        api.tick()
        assert wait_for(lambda: len(receiver.keys()) == 1)
        server.kill()
        server = helpers.NativeServer(str(tmp_path / "data"), env, port=server.port).start()
        api = server.api()
        api.tick()
        api.tick()
        assert receiver.keys() == [f"{app_id}:download_reminder_15d"]
    finally:
        server.stop()
        receiver.close()


def test_a_failing_receiver_is_retried_with_backoff(target, tmp_path):
    native_only(target)
    receiver = helpers.Receiver("a-different-secret")  # answers 401: signature mismatch
    env = {"INKAN_REMINDER_URL": receiver.url, "INKAN_REMINDER_SECRET": helpers.REMINDER_SECRET}
    server = helpers.NativeServer(str(tmp_path / "data"), env).start()
    try:
        api = server.api()
        app_id = api.issued_application(product="jcan-mcci")
        api.advance(15 * 86400 + 1)
        api.tick()
        first = reminders_of(api, app_id)["download_reminder_15d"]
        assert first["state"] == "pending" and first["attempts"] == 1 and first["last_error"] == "HTTP 401"
        assert first["next_attempt_at"] > api.now()
        receiver.secret = helpers.REMINDER_SECRET.encode()
        api.advance(61)
        api.tick()
        assert reminders_of(api, app_id)["download_reminder_15d"]["state"] == "delivered"
        assert receiver.keys() == [f"{app_id}:download_reminder_15d"]
    finally:
        server.stop()
        receiver.close()
