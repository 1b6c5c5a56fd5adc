//! Hostile input against the real server (issue 16): inputs nobody tried
//! before get a clear refusal, nothing stored changes, and the server keeps
//! serving.

mod common;

use common::{TestServer, cast, key_of, lychee, signed_at};
use serde_json::Value;

/// Issue 16: a time whose offset carries it past the calendar's edge
/// panicked the handler and reset the connection (`Timestamp::parse`
/// called an overflowing `to_offset`). Now each such `at` and
/// `harvested_at` is refused as `bad_time`, and the server keeps serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_16_a_time_past_the_calendar_is_refused_and_the_server_keeps_serving() {
    let server = TestServer::with_cast().await;
    let key = key_of(cast::MEMBER);
    for edge in [
        "9999-12-31T23:59:59-00:01",
        "9999-12-31T23:59:59-23:59",
        "0000-01-01T00:00:00+23:59",
    ] {
        let late = signed_at(
            cast::MEMBER,
            &key,
            "batch.create",
            edge,
            lychee("vai-9999", "10"),
        );
        assert_eq!(
            server.refused(&late).await,
            (400, "bad_time".to_owned()),
            "at {edge}"
        );
        let mut fields = lychee("vai-9999", "10");
        fields["harvested_at"] = Value::from(edge);
        let harvest = signed_at(cast::MEMBER, &key, "batch.create", &common::now(), fields);
        assert_eq!(
            server.refused(&harvest).await,
            (400, "bad_time".to_owned()),
            "harvested_at {edge}"
        );
    }
    let (status, _) = server.get_text("/healthz").await;
    assert_eq!(status, 200, "the server still serves");
    // The same lot with a sound time is logged.
    server
        .ok(&signed_at(
            cast::MEMBER,
            &key,
            "batch.create",
            &common::now(),
            lychee("vai-9999", "10"),
        ))
        .await;
}
