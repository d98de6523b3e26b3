//! Growing lockouts after wrong download passwords, kept per application and per client
//! address, so neither guessing one application's password from many addresses nor many
//! applications' passwords from one address gets far.
//!
//! The first `threshold` failures cost nothing but the slow hash; each failure from then on locks
//! for `base · 2^(failures - threshold)` seconds, capped at `max`. While locked, every attempt
//! (even with the right password) is answered 429 with Retry-After, without deriving the hash.

use serde::{Deserialize, Serialize};

use crate::UnixTime;
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

/// Failed attempts so far and the current lock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempts {
    /// Consecutive failures.
    pub failures: u32,
    /// Locked until this moment, if locked.
    pub locked_until: Option<UnixTime>,
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
            LockoutError::LockedOut { retry_after } => Message::new(
                format!(
                    "パスワードの誤りが続いたため、一時的にロックしています。{retry_after} 秒後にもう一度お試しください。パスワードは配布状に記載されています。"
                ),
                format!(
                    "Too many wrong passwords: locked for now. Try again in {retry_after} seconds. The password is on your distribution letter."
                ),
            ),
        }
    }
}

impl Attempts {
    /// Refuses while locked.
    pub fn check(&self, now: UnixTime) -> Result<(), LockoutError> {
        match self.locked_until {
            Some(until) if now < until => Err(LockoutError::LockedOut { retry_after: until - now }),
            _ => Ok(()),
        }
    }

    /// Counts a wrong password and locks when the policy says so.
    pub fn record_failure(&mut self, now: UnixTime, policy: &LockoutPolicy) {
        self.failures = self.failures.saturating_add(1);
        if self.failures >= policy.threshold {
            let doublings = (self.failures - policy.threshold).min(40);
            let seconds = policy.base_seconds.saturating_mul(1i64 << doublings).min(policy.max_seconds);
            self.locked_until = Some(now + seconds.max(1));
        }
    }

    /// A right password clears the count.
    pub fn record_success(&mut self) {
        *self = Attempts::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: LockoutPolicy = LockoutPolicy { threshold: 3, base_seconds: 60, max_seconds: 600 };

    #[test]
    fn locks_after_the_threshold_with_growing_and_capped_waits() {
        let mut a = Attempts::default();
        let now = 1_000;
        a.record_failure(now, &POLICY);
        a.record_failure(now, &POLICY);
        assert!(a.check(now).is_ok(), "two failures are free");
        a.record_failure(now, &POLICY);
        assert_eq!(a.check(now), Err(LockoutError::LockedOut { retry_after: 60 }));
        assert!(a.check(now + 60).is_ok(), "the lock ends");
        a.record_failure(now + 60, &POLICY);
        assert_eq!(a.check(now + 60), Err(LockoutError::LockedOut { retry_after: 120 }));
        a.record_failure(now + 200, &POLICY);
        a.record_failure(now + 500, &POLICY);
        a.record_failure(now + 1_000, &POLICY);
        assert_eq!(a.check(now + 1_000), Err(LockoutError::LockedOut { retry_after: 600 }), "capped");
        assert_eq!(LockoutError::LockedOut { retry_after: 1 }.code(), "locked_out");
    }

    #[test]
    fn success_clears_the_count() {
        let mut a = Attempts::default();
        a.record_failure(0, &POLICY);
        a.record_failure(0, &POLICY);
        a.record_success();
        a.record_failure(0, &POLICY);
        assert!(a.check(0).is_ok());
    }
}
