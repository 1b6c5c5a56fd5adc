//! The one mapping from service errors to HTTP answers (spec §8): the JSON
//! shape `{"error": code, "message": sentence}`, the status of each class,
//! and the rule that a 5xx is logged once and its detail never sent.

use crate::domain::messages::{Class, Code, Lang, Refusal};
use crate::service::ServiceError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// An error answer, in the client's language.
#[derive(Debug)]
pub struct ApiError {
    err: ServiceError,
    lang: Lang,
}

impl ApiError {
    /// Wraps a service error for a client speaking `lang`.
    pub fn new(err: impl Into<ServiceError>, lang: Lang) -> Self {
        Self {
            err: err.into(),
            lang,
        }
    }
}

/// The status of each error. One exhaustive match: a new variant or class
/// does not compile until it is given a status here.
fn status(err: &ServiceError) -> StatusCode {
    match err {
        ServiceError::Refused(r) => match r.code.class() {
            Class::Malformed => StatusCode::BAD_REQUEST,
            Class::Unauthenticated => StatusCode::UNAUTHORIZED,
            Class::Forbidden => StatusCode::FORBIDDEN,
            Class::NotFound => StatusCode::NOT_FOUND,
            Class::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Class::Conflict => StatusCode::CONFLICT,
            Class::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Class::TooMany => StatusCode::TOO_MANY_REQUESTS,
            Class::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Class::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        },
        ServiceError::Store(_) | ServiceError::Inconsistent(_) | ServiceError::Internal(_) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

/// What a client may be told of an error: its status and the refusal to
/// word. A 5xx is logged here, once, and told only as `internal` or
/// `unavailable`. The JSON errors and the HTML pages both answer with it.
pub(crate) fn public(err: ServiceError) -> (StatusCode, Refusal) {
    let status = status(&err);
    let refusal = match err {
        ServiceError::Refused(r) if !status.is_server_error() => r,
        other => {
            tracing::error!(error = %other, status = status.as_u16(), "request failed");
            Refusal::new(if status == StatusCode::SERVICE_UNAVAILABLE {
                Code::Unavailable
            } else {
                Code::Internal
            })
        }
    };
    (status, refusal)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, refusal) = public(self.err);
        let body = serde_json::json!({
            "error": refusal.code.as_str(),
            "message": refusal.message(self.lang),
        });
        let mut resp = (status, axum::Json(body)).into_response();
        let headers = resp.headers_mut();
        headers.insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(self.lang.tag()),
        );
        if matches!(
            status,
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
        ) {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_of(resp: Response) -> String {
        let bytes = axum::body::to_bytes(resp.into_body(), 1 << 16)
            .await
            .expect("body");
        String::from_utf8(bytes.to_vec()).expect("utf-8")
    }

    #[tokio::test]
    async fn a_5xx_answer_carries_no_internal_detail() {
        for err in [
            ServiceError::Store("sled: /var/lib/ledger/views/db corrupted".into()),
            ServiceError::Internal("merkle hashes: indexes not in tree".into()),
            ServiceError::Inconsistent("leaf 7 in leaves.log".into()),
        ] {
            let resp = ApiError::new(err, Lang::En).into_response();
            assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
            let body = body_of(resp).await;
            assert_eq!(
                body,
                r#"{"error":"internal","message":"The ledger could not complete the request. It has been logged; please try again later."}"#
            );
        }
    }

    #[tokio::test]
    async fn a_503_says_unavailable_and_when_to_retry() {
        let resp = ApiError::new(Refusal::new(Code::Unavailable), Lang::Vi).into_response();
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(resp.headers()[header::RETRY_AFTER], "1");
        assert!(body_of(resp).await.contains(r#""error":"unavailable""#));
    }
}
