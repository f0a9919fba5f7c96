//! Virtual time: milliseconds since the Unix epoch, formatted and parsed as
//! RFC 3339. Nothing here reads the real clock.

/// `2024-01-01T00:00:00Z`, the default start time.
pub const DEFAULT_START: i64 = 1_704_067_200_000;

/// Format as ISO-8601 UTC with milliseconds: `2024-01-01T00:00:00.000Z`.
pub fn format_timestamp(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", y, m, d, rem / 3600, (rem % 3600) / 60, rem % 60, millis)
}

/// Parse an ISO-8601 date-time with an offset, by the same rules as definitions
/// (`definition::time`, which follows the Java parser AWS uses).
pub fn parse_timestamp(s: &str) -> Option<i64> {
    crate::definition::time::parse_timestamp(s)
}

// Howard Hinnant's civil-from-days algorithm.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn round_trip() {
        assert_eq!(format_timestamp(DEFAULT_START), "2024-01-01T00:00:00.000Z");
        assert_eq!(parse_timestamp("2024-01-01T00:00:00Z"), Some(DEFAULT_START));
        assert_eq!(parse_timestamp("2024-01-01T01:00:00.5+01:00"), Some(DEFAULT_START + 500));
        assert_eq!(parse_timestamp("2016-12-05 21:29:29Z"), None);
        assert_eq!(parse_timestamp("2016-12-05T21:29:29"), None);
        assert_eq!(parse_timestamp("2023-02-29T00:00:00Z"), None);
        assert_eq!(format_timestamp(parse_timestamp("1969-12-31T23:59:59.999Z").unwrap()), "1969-12-31T23:59:59.999Z");
    }
}
