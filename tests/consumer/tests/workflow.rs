//! The order workflow's scenarios. The same tests run natively (`#[test]`) and,
//! built for wasm32-unknown-unknown, in headless Chromium through
//! wasm-bindgen-test (`run_in_browser`): the engine behaves identically in both.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p asl-sim-consumer --target wasm32-unknown-unknown`

use asl_sim::Status;
use asl_sim_consumer::run;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// `#[test]` natively, `#[wasm_bindgen_test]` on wasm32.
macro_rules! scenario {
    ($(#[doc = $doc:literal])* fn $name:ident() $body:block) => {
        $(#[doc = $doc])*
        #[cfg_attr(not(target_arch = "wasm32"), test)]
        #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
        fn $name() $body
    };
}

const ORDER: &str = r#"{"orderId": "o-17", "items": [{"sku": "book", "qty": 1}]}"#;

scenario! {
    /// Validated, charged and shipped: the output is the shipment.
    fn happy_path_ships_the_order() {
        let outcome = run("HappyPath", ORDER).unwrap();
        assert_eq!(outcome.status, Status::Succeeded, "{outcome:?}");
        assert_eq!(outcome.output.as_deref(), Some("{\n  \"trackingId\": \"TRK-9\"\n}"));
        assert_eq!(outcome.states, ["ValidateOrder", "IsValid", "ChargeCard", "ShipOrder"]);
        assert_eq!(outcome.elapsed_ms, 0);
    }
}

scenario! {
    /// Throttled twice: the retries back off 2 s, then 4 s, on the virtual clock.
    fn throttling_is_retried_with_backoff() {
        let outcome = run("ThrottledTwice", ORDER).unwrap();
        assert_eq!(outcome.status, Status::Succeeded, "{outcome:?}");
        assert_eq!(outcome.elapsed_ms, 6_000);
        assert_eq!(outcome.states.iter().filter(|s| *s == "ChargeCard").count(), 1, "a retry is not a new state entry");
    }
}

scenario! {
    /// A declined card is caught and ends in the PaymentDeclined Fail state.
    fn a_declined_card_fails_the_order() {
        let outcome = run("Declined", ORDER).unwrap();
        assert_eq!(outcome.status, Status::Failed);
        assert_eq!(outcome.error.as_deref(), Some("Order.PaymentDeclined"));
        assert_eq!(outcome.cause.as_deref(), Some("The card was declined"));
        assert_eq!(outcome.states.last().map(String::as_str), Some("PaymentDeclined"));
    }
}

scenario! {
    /// The Choice sends an invalid order to Rejected without charging it.
    fn an_invalid_order_is_never_charged() {
        let outcome = run("Invalid", ORDER).unwrap();
        assert_eq!(outcome.error.as_deref(), Some("Order.Invalid"));
        assert!(!outcome.states.iter().any(|s| s == "ChargeCard"), "{:?}", outcome.states);
    }
}

scenario! {
    /// An unknown test case is the test's own mistake, reported as such.
    fn an_unknown_test_case_is_an_error() {
        let error = run("NoSuchCase", ORDER).unwrap_err();
        assert!(error.contains("NoSuchCase"), "{error}");
    }
}

/// Only in the browser: the test really runs inside a page, not in Node.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
fn runs_inside_a_browser_page() {
    assert!(js_has_document(), "wasm-bindgen-test ran outside a browser");
}

#[cfg(target_arch = "wasm32")]
fn js_has_document() -> bool {
    #[wasm_bindgen::prelude::wasm_bindgen(inline_js = "export function has_document() { return typeof document === 'object'; }")]
    extern "C" {
        fn has_document() -> bool;
    }
    has_document()
}

scenario! {
    /// Every test case of the MockConfigFile at once, as `asl-sim test` and `runTests` run
    /// them: each ends, and together they enter every state of the workflow.
    fn every_test_case_runs_and_together_they_cover_every_state() {
        let mocks = asl_sim::json::parse(asl_sim_consumer::ORDER_MOCKS).unwrap();
        let options = asl_sim::testing::SuiteOptions { input: Some(asl_sim::json::parse(ORDER).unwrap()), ..Default::default() };
        let suite = asl_sim::testing::Suite::new(asl_sim_consumer::ORDER_WORKFLOW, &mocks, None, options).unwrap();
        let report = suite.run();
        assert_eq!(report.failed(), 0, "{:?}", report.cases.iter().map(asl_sim::testing::Report::line).collect::<Vec<_>>());
        let coverage = report.coverage.to_json(suite.machine());
        assert!(coverage["states"]["missed"].as_array().is_some_and(|m| m.is_empty()), "{coverage:#}");
    }
}
