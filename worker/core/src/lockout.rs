//! Growing lockouts after wrong download passwords, kept per application and per client
//! address, so neither guessing one application's password from many addresses nor many
//! applications' passwords from one address gets far.
//!
//! The first `threshold` failures cost nothing but the slow hash; each failure from then on locks
//! for `base · 2^(failures - threshold)` seconds, capped at `max`. While locked, every attempt
//! (even with the right password) is answered 429 with Retry-After, without deriving the hash.

use serde::{Deserialize, Serialize};

use crate::UnixTime;
use crate::texts;
use inkan::i18n::{Localized, Message};

/// The lockout policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockoutPolicy {
    /// Failures allowed before the first lock.
    pub threshold: u32,
    /// Length of the first lock, seconds.
    pub base_seconds: i64,
    /// Longest lock, seconds.
    pub max_seconds: i64,
}

/// A counter row: attempts charged so far and the current lock. Test-only: the stores keep
/// the row in SQL ([`crate::store::CHARGE_SQL`]); this twin states the rule the tests check.
#[cfg(test)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempts {
    /// Attempts charged and not cleared by a success.
    pub failures: u32,
    /// Locked until this moment, if locked.
    pub locked_until: Option<UnixTime>,
    /// The last charge.
    pub updated_at: UnixTime,
}

/// The outcome of charging an attempt before its proof is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charge {
    /// Counted; the proof may be checked. `failures` includes this attempt.
    Allowed {
        /// Attempts counted so far.
        failures: u32,
    },
    /// Locked: nothing was counted and the proof must not be checked.
    Locked {
        /// Until when.
        until: UnixTime,
    },
}

impl Charge {
    /// The refusal for a lock, with the seconds to wait (at least 1).
    pub fn refusal(self, now: UnixTime) -> Option<LockoutError> {
        match self {
            Charge::Allowed { .. } => None,
            Charge::Locked { until } => Some(LockoutError::LockedOut { retry_after: (until - now).max(1) }),
        }
    }
}

/// How long the counter of `failures` locks: nothing below the threshold, then
/// `base · 2^(failures - threshold)`, at most `max`. Test-only, like [`Attempts`].
#[cfg(test)]
pub fn lock_seconds(failures: u32, policy: &LockoutPolicy) -> Option<i64> {
    (failures >= policy.threshold).then(|| {
        let doublings = (failures - policy.threshold).min(40);
        policy.base_seconds.saturating_mul(1i64 << doublings).min(policy.max_seconds).max(1)
    })
}

/// Too many wrong passwords.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LockoutError {
    /// Locked; try again after this many seconds.
    LockedOut {
        /// Seconds to wait (for Retry-After).
        retry_after: i64,
    },
}

impl core::fmt::Display for LockoutError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for LockoutError {}

impl Localized for LockoutError {
    fn code(&self) -> &'static str {
        match self {
            LockoutError::LockedOut { .. } => "locked_out",
        }
    }
    fn message(&self) -> Message {
        match self {
            LockoutError::LockedOut { retry_after } => {
                texts::lockout::LockedOut { retry_after: retry_after.into() }.render()
            }
        }
    }
}

#[cfg(test)]
impl Attempts {
    /// Charges one attempt, as the stores do it in one statement: refused while locked;
    /// otherwise counted (from zero again when the last charge is older than `decay` seconds),
    /// and the lock for the new count set. The in-memory twin of the SQL in the stores.
    pub fn charge(&mut self, now: UnixTime, policy: &LockoutPolicy, decay: Option<i64>) -> Charge {
        if let Some(until) = self.locked_until.filter(|until| now < *until) {
            return Charge::Locked { until };
        }
        let stale = decay.is_some_and(|d| self.updated_at < now - d);
        let failures = if stale { 0 } else { self.failures }.saturating_add(1);
        *self = Attempts { failures, locked_until: lock_seconds(failures, policy).map(|s| now + s), updated_at: now };
        Charge::Allowed { failures }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: LockoutPolicy = LockoutPolicy { threshold: 3, base_seconds: 60, max_seconds: 600 };

    #[test]
    fn the_threshold_th_attempt_is_checked_and_locks_with_growing_capped_waits() {
        let mut a = Attempts::default();
        let now = 1_000;
        assert_eq!(a.charge(now, &POLICY, None), Charge::Allowed { failures: 1 });
        assert_eq!(a.charge(now, &POLICY, None), Charge::Allowed { failures: 2 });
        assert_eq!(a.charge(now, &POLICY, None), Charge::Allowed { failures: 3 }, "the third is checked");
        assert_eq!(a.charge(now, &POLICY, None), Charge::Locked { until: now + 60 }, "and locks");
        assert_eq!(
            a.charge(now + 59, &POLICY, None).refusal(now + 59),
            Some(LockoutError::LockedOut { retry_after: 1 })
        );
        assert_eq!(a.charge(now + 60, &POLICY, None), Charge::Allowed { failures: 4 }, "one more after the lock");
        assert_eq!(a.locked_until, Some(now + 60 + 120), "doubled");
        for t in [1_000, 2_000, 3_000, 4_000] {
            a.charge(now + t, &POLICY, None);
        }
        assert_eq!(a.locked_until, Some(now + 4_000 + 600), "capped");
        assert_eq!(LockoutError::LockedOut { retry_after: 1 }.code(), "locked_out");
    }

    #[test]
    fn counts_decay_when_asked() {
        let mut a = Attempts::default();
        a.charge(0, &POLICY, Some(100));
        a.charge(0, &POLICY, Some(100));
        assert_eq!(a.charge(500, &POLICY, Some(100)), Charge::Allowed { failures: 1 }, "decayed");
        assert_eq!(a.charge(500, &POLICY, None), Charge::Allowed { failures: 2 });
    }
}
