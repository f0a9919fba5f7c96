//! JUnit XML for CI systems: one `<testsuite>` named after the state machine, one
//! `<testcase>` per test case, a `<failure>` in each failing one. No timings: the
//! library reads no clock, and CI systems take a missing `time` as zero.

use super::Report;

/// XML text with `&`, `<`, `>`, `"` and `'` escaped, and the characters XML 1.0 cannot
/// hold (most control characters) replaced by U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The report as a JUnit XML document.
pub fn render(report: &Report) -> String {
    let suite = escape(&report.machine_name);
    let (tests, failures) = (report.cases.len(), report.failed());
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<testsuites name=\"asl-sim\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n", tests, failures));
    out.push_str(&format!("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n", suite, tests, failures));
    for case in &report.cases {
        let name = escape(&case.name);
        if case.passed {
            out.push_str(&format!("    <testcase name=\"{}\" classname=\"{}\"/>\n", name, suite));
        } else {
            let message = escape(&case.failures.join("; "));
            out.push_str(&format!("    <testcase name=\"{}\" classname=\"{}\">\n", name, suite));
            out.push_str(&format!(
                "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                message,
                case.status,
                escape(&case.failures.join("\n"))
            ));
            out.push_str("    </testcase>\n");
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_and_control_characters_stay_text() {
        assert_eq!(escape("<a href=\"x\">&'\u{1}"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;\u{FFFD}");
    }
}
