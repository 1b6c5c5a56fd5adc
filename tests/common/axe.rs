//! axe-core (Deque's accessibility engine, `tests/data/axe-core`) run in
//! the real Chromium on the page a test has open: the violations of
//! impact "serious" or "critical" (issue 15).

use fantoccini::Client;
use serde_json::Value;

/// The axe-core script, injected into the page under test.
const AXE: &str = include_str!("../data/axe-core/axe.min.js");

/// Runs axe-core over the open page; each serious or critical violation
/// as `rule: help (the first offending elements)`.
pub async fn serious_violations(client: &Client) -> Vec<String> {
    client
        .execute(AXE, vec![])
        .await
        .expect("injecting axe-core");
    let result = client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               axe.run(document, { resultTypes: ["violations"] })
                 .then(r => done(JSON.stringify(r.violations)))
                 .catch(e => done(JSON.stringify({ error: String(e) })));"#,
            vec![],
        )
        .await
        .expect("running axe-core");
    let text = result.as_str().expect("axe answers JSON text");
    let parsed: Value = serde_json::from_str(text).expect("axe's JSON");
    assert!(parsed.get("error").is_none(), "axe-core failed: {parsed}");
    parsed
        .as_array()
        .expect("a list of violations")
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .map(|v| {
            let nodes: Vec<String> = v["nodes"]
                .as_array()
                .map(|n| {
                    n.iter()
                        .take(3)
                        .map(|n| n["html"].as_str().unwrap_or("").chars().take(120).collect())
                        .collect()
                })
                .unwrap_or_default();
            format!(
                "{}: {} ({})",
                v["id"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or(""),
                nodes.join(" | ")
            )
        })
        .collect()
}
