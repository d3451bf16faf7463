//! The validation-time type.
//!
//! No verifier in this crate reads a clock: each takes the time it validates for as a [`Time`]
//! argument. [`Time::now`] is there for callers that want "now" (the CLI's default), and a
//! [`crate::verifier::Verifier`] reads it only when built with `Clock::System`.
//!
//! ```
//! use yinjian::time::Time;
//!
//! let at = Time::parse("2024-05-01T08:00:00Z")?;
//! assert_eq!(at, Time::from_unix(1_714_550_400)?);
//! assert_eq!(Time::from_utc_fields(2024, 5, 1, 8, 0, 0), Some(at));
//! # Ok::<(), yinjian::time::TimeError>(())
//! ```

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A point in time, UTC, to the second. Serialised as RFC 3339 (`2026-11-24T02:14:06Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time {
    unix: i64,
}

/// Why a time could not be read.
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeError {
    /// The text is not an RFC 3339 date-time nor a number of seconds since 1970.
    #[error("not an RFC 3339 time or Unix seconds: {0:?}")]
    Unparsable(String),
    /// The value is outside years 0000–9999.
    #[error("time out of range: {0}")]
    OutOfRange(i64),
}

impl Time {
    /// 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: Time = Time { unix: 0 };

    /// The time `unix` seconds after 1970-01-01T00:00:00Z (negative before it).
    pub fn from_unix(unix: i64) -> Result<Time, TimeError> {
        OffsetDateTime::from_unix_timestamp(unix).map_err(|_| TimeError::OutOfRange(unix))?;
        Ok(Time { unix })
    }

    /// The system clock's time now, to the second: for programs that validate "as of now".
    /// The library's verifiers never call it; a caller (or [`crate::verifier::Clock::System`])
    /// does. Not in the browser build, which has no system clock (pass the time instead).
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    pub fn now() -> Result<Time, TimeError> {
        let since_epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|_| TimeError::OutOfRange(-1))?;
        let seconds = i64::try_from(since_epoch.as_secs()).map_err(|_| TimeError::OutOfRange(i64::MAX))?;
        Time::from_unix(seconds)
    }

    /// Without a system clock (the browser build) there is no "now": pass the time instead.
    #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
    pub fn now() -> Result<Time, TimeError> {
        Err(TimeError::Unparsable(
            "no system clock in this build: pass the validation time".into(),
        ))
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix(self) -> i64 {
        self.unix
    }

    /// Reads RFC 3339 (`2026-11-24T10:00:00+08:00`, `…Z`) or plain Unix seconds.
    pub fn parse(text: &str) -> Result<Time, TimeError> {
        let text = text.trim();
        if let Ok(unix) = text.parse::<i64>() {
            return Time::from_unix(unix);
        }
        let parsed = OffsetDateTime::parse(text, &Rfc3339)
            .map_err(|_| TimeError::Unparsable(text.chars().take(64).collect()))?;
        Time::from_unix(parsed.unix_timestamp())
    }

    /// Builds a time from UTC calendar fields, as ASN.1 UTCTime/GeneralizedTime carry them.
    pub fn from_utc_fields(year: i32, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Option<Time> {
        let month = time::Month::try_from(month).ok()?;
        let date = time::Date::from_calendar_date(year, month, day).ok()?;
        let clock = time::Time::from_hms(hour, minute, second).ok()?;
        Some(Time {
            unix: date.with_time(clock).assume_utc().unix_timestamp(),
        })
    }

    fn datetime(self) -> OffsetDateTime {
        // `unix` was range-checked when the value was made.
        OffsetDateTime::from_unix_timestamp(self.unix).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.datetime().format(&Rfc3339) {
            Ok(text) => f.write_str(&text),
            Err(_) => write!(f, "@{}", self.unix),
        }
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Time, D::Error> {
        let text = String::deserialize(deserializer)?;
        Time::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_rfc3339() {
        let t = Time::parse("2026-11-24T10:14:06+08:00").unwrap();
        assert_eq!(t.to_string(), "2026-11-24T02:14:06Z");
        assert_eq!(Time::parse(&t.unix().to_string()).unwrap(), t);
        assert_eq!(Time::from_utc_fields(2026, 11, 24, 2, 14, 6), Some(t));
    }

    #[test]
    fn rejects_nonsense() {
        assert!(matches!(Time::parse("yesterday"), Err(TimeError::Unparsable(_))));
        assert!(matches!(Time::from_unix(i64::MAX), Err(TimeError::OutOfRange(_))));
        assert_eq!(Time::from_utc_fields(2026, 2, 30, 0, 0, 0), None);
    }

    #[test]
    fn serde_round_trip() {
        let t = Time::from_unix(0).unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, "\"1970-01-01T00:00:00Z\"");
        assert_eq!(serde_json::from_str::<Time>(&json).unwrap(), t);
    }
}
