//! Timestamp text and calendar arithmetic for every layer: RFC 3339 text ↔
//! milliseconds since the Unix epoch, and day numbers → proleptic Gregorian dates.
//! It owns the one parser of AWS's timestamps (definitions, Wait and Choice at run
//! time, `--start-time`) and the two texts of an instant: the context object's
//! (always with milliseconds; the history's too) and Java's `Instant.toString()`.
//! A leaf: it imports nothing of the crate and reads no real clock.
//!
//! AWS's runtime is Java, and its error messages name the format it parses
//! ("ISO-8601 extended offset date-time", i.e. `DateTimeFormatter.ISO_OFFSET_DATE_TIME`),
//! so [`parse_timestamp`] accepts what that formatter accepts: `YYYY-MM-DDTHH:MM[:SS[.fraction]]`
//! followed by `Z` or an offset `±HH:MM[:SS]`, `T` and `Z` in either case, a fraction
//! of 1 to 9 digits, and strict calendar ranges (no `24:00`, no leap second, no 30 February).
//! Recorded cases: `2016-03-05T21:29:29.243167252Z` is accepted; `2016-12-05T21:29:29`
//! (no offset), `2016-12-05 21:29:29Z` (no `T`), `2016-13-05T21:29:29Z`, `2016-12-05T25:29:29Z`
//! and `05-12-2016T21:29:29Z` are refused.

/// Parse an RFC 3339 / ISO-8601 offset date-time to milliseconds since the epoch
/// (digits of the fraction beyond milliseconds are dropped, rounding towards the past).
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let s = text.as_bytes();
    let mut i = 0;
    let year = digits(s, &mut i, 4)?;
    expect(s, &mut i, b'-')?;
    let month = digits(s, &mut i, 2)?;
    expect(s, &mut i, b'-')?;
    let day = digits(s, &mut i, 2)?;
    match s.get(i) {
        Some(b'T') | Some(b't') => i += 1,
        _ => return None,
    }
    let hour = digits(s, &mut i, 2)?;
    expect(s, &mut i, b':')?;
    let minute = digits(s, &mut i, 2)?;
    let mut second = 0;
    let mut millis = 0;
    if s.get(i) == Some(&b':') {
        i += 1;
        second = digits(s, &mut i, 2)?;
        if s.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while i < s.len() && s[i].is_ascii_digit() {
                i += 1;
            }
            let n = i - start;
            if n == 0 || n > 9 {
                return None;
            }
            for k in 0..3 {
                millis = millis * 10 + s.get(start + k).filter(|_| k < n).map_or(0, |c| i64::from(c - b'0'));
            }
        }
    }
    let offset_seconds = match s.get(i) {
        Some(b'Z') | Some(b'z') => {
            i += 1;
            0
        }
        Some(&sign @ (b'+' | b'-')) => {
            i += 1;
            let h = digits(s, &mut i, 2)?;
            expect(s, &mut i, b':')?;
            let m = digits(s, &mut i, 2)?;
            let mut sec = 0;
            if s.get(i) == Some(&b':') {
                i += 1;
                sec = digits(s, &mut i, 2)?;
            }
            if m > 59 || sec > 59 || h * 3600 + m * 60 + sec > 18 * 3600 {
                return None;
            }
            let total = h * 3600 + m * 60 + sec;
            if sign == b'-' {
                -total
            } else {
                total
            }
        }
        _ => return None,
    };
    if i != s.len() {
        return None;
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
    Some(seconds * 1000 + millis)
}

/// The context object's timestamps as AWS writes them (`$$.Execution.StartTime`,
/// `$$.State.EnteredTime`): UTC, always with milliseconds, `2024-01-01T00:00:00.000Z`.
/// The history's event timestamps and the CLI's start and stop times are written the
/// same way, so they read alongside the context object.
pub fn format_context_timestamp(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", y, m, d, rem / 3600, (rem % 3600) / 60, rem % 60, millis)
}

/// Java's `Instant.toString()` (AWS's runtime is Java) for a millisecond instant: `2024-01-01T00:00:00Z`, or `2024-01-01T00:00:00.120Z` when the milliseconds
/// are not zero, and a signed year outside 0000–9999. [`parse_timestamp`] reads it back.
pub fn format_java_instant(ms: i64) -> String {
    let seconds = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = seconds.div_euclid(86_400);
    let in_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let (h, m, s) = (in_day / 3600, in_day / 60 % 60, in_day % 60);
    let year = if (0..=9999).contains(&year) { format!("{:04}", year) } else { format!("{:+05}", year) };
    if millis == 0 {
        format!("{}-{:02}-{:02}T{:02}:{:02}:{:02}Z", year, month, day, h, m, s)
    } else {
        format!("{}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", year, month, day, h, m, s, millis)
    }
}

fn digits(s: &[u8], i: &mut usize, n: usize) -> Option<i64> {
    let d = s.get(*i..*i + n)?;
    if !d.iter().all(u8::is_ascii_digit) {
        return None;
    }
    *i += n;
    Some(d.iter().fold(0, |acc, c| acc * 10 + i64::from(c - b'0')))
}

fn expect(s: &[u8], i: &mut usize, c: u8) -> Option<()> {
    if s.get(*i) == Some(&c) {
        *i += 1;
        Some(())
    } else {
        None
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day number (days since 1970-01-01), proleptic
/// Gregorian (Howard Hinnant's algorithm, the inverse of `days_from_civil`).
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> Option<i64> {
        parse_timestamp(s)
    }

    #[test]
    fn parses_what_aws_accepts() {
        assert_eq!(ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(ms("2024-01-01T00:00:00Z"), Some(1_704_067_200_000));
        assert_eq!(ms("2016-03-05T21:29:29.243167252Z"), Some(1_457_213_369_243));
        assert_eq!(ms("2012-10-09T19:00:55+01:00"), ms("2012-10-09T18:00:55Z"));
        assert_eq!(ms("2012-10-09T19:00:55-00:30"), ms("2012-10-09T19:30:55Z"));
        assert_eq!(ms("2012-10-09T19:00Z"), ms("2012-10-09T19:00:00Z"));
        assert_eq!(ms("2012-10-09t19:00:00z"), ms("2012-10-09T19:00:00Z"));
        assert_eq!(ms("2024-02-29T00:00:00.5Z"), Some(1_709_164_800_500));
        assert_eq!(ms("1969-12-31T23:59:59.999Z"), Some(-1));
        assert_eq!(ms("2024-01-01T01:00:00.5+01:00"), Some(1_704_067_200_500));
    }

    #[test]
    fn refuses_what_aws_refuses() {
        for bad in [
            "2016-12-05T21:29:29",
            "2016-12-05 21:29:29Z",
            "2016-13-05T21:29:29Z",
            "2016-12-05T25:29:29Z",
            "05-12-2016T21:29:29Z",
            "2023-02-24 12:15:56.832957",
            "2023-02-29T00:00:00Z",
            "2023-01-01T00:00:60Z",
            "2023-01-01T00:00:00.Z",
            "2023-01-01T00:00:00.1234567890Z",
            "2023-01-01T00:00:00+19:00",
            "2023-01-01T00:00:00+0100",
            "2023-01-01T00:00:00Z ",
            "",
            "date",
        ] {
            assert_eq!(ms(bad), None, "{}", bad);
        }
    }

    #[test]
    fn formats_like_the_context_object() {
        assert_eq!(format_context_timestamp(1_704_067_200_000), "2024-01-01T00:00:00.000Z");
        assert_eq!(format_context_timestamp(1_704_067_200_120), "2024-01-01T00:00:00.120Z");
        assert_eq!(format_context_timestamp(parse_timestamp("1969-12-31T23:59:59.999Z").unwrap()), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn formats_like_java_instant() {
        assert_eq!(format_java_instant(1_704_067_200_000), "2024-01-01T00:00:00Z");
        assert_eq!(format_java_instant(1_704_067_200_123), "2024-01-01T00:00:00.123Z");
        assert_eq!(format_java_instant(1_704_067_200_120), "2024-01-01T00:00:00.120Z");
        assert_eq!(format_java_instant(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(format_java_instant(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn round_trips() {
        for t in [-86_400_001_i64, 0, 951_782_400_000, 1_457_213_369_243, 4_102_444_799_999] {
            assert_eq!(parse_timestamp(&format_java_instant(t)), Some(t));
            assert_eq!(parse_timestamp(&format_context_timestamp(t)), Some(t));
        }
    }
}
