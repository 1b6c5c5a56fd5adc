//! The one mapping from service errors to HTTP answers (spec §8): the
//! status of each class, and the rule that a 5xx is logged once and its
//! detail never sent. JSON answers ([`ApiError`], `{"error": code,
//! "message": sentence}`) and HTML pages ([`PageError`], the error page in
//! the reader's language; the dashboard's form) both take their status and
//! their refusal from `public`, and differ only in how they render it.

use super::assets;
use super::i18n::Texts;
use super::render::{TemplateError, buyer_page, render, unrenderable};
use crate::domain::messages::{Class, Code, Lang, Refusal};
use crate::service::ServiceError;
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The status of each class of refusal. One exhaustive match, no `_` arm:
/// a new class does not compile until it is given a status here.
pub fn class_status(class: Class) -> StatusCode {
    match class {
        Class::Malformed => StatusCode::BAD_REQUEST,
        Class::Unauthenticated => StatusCode::UNAUTHORIZED,
        Class::Forbidden => StatusCode::FORBIDDEN,
        Class::NotFound => StatusCode::NOT_FOUND,
        Class::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        Class::Conflict => StatusCode::CONFLICT,
        Class::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
        Class::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Class::TooMany => StatusCode::TOO_MANY_REQUESTS,
        Class::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        Class::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// The status of each error: a refusal's by its class, a failure 500.
fn status(err: &ServiceError) -> StatusCode {
    match err {
        ServiceError::Refused(r) => class_status(r.code.class()),
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
        // A mirror catching up is no failure, nor a request stopped at its
        // time limit (spec §8.19): their sentences say what to do.
        ServiceError::Refused(r) if matches!(r.code, Code::CatchingUp | Code::RequestTimeout) => {
            Refusal::new(r.code)
        }
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

/// The headers of every error answer, JSON or HTML: its language, and
/// when to try again after a 429 or a 503.
pub(super) fn with_error_headers(mut resp: Response, status: StatusCode, lang: Lang) -> Response {
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.tag()),
    );
    if matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
    ) {
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    resp
}

/// An error answer as JSON, in the client's language.
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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, refusal) = public(self.err);
        let body = serde_json::json!({
            "error": refusal.code.as_str(),
            "message": refusal.message(self.lang),
        });
        with_error_headers(
            (status, axum::Json(body)).into_response(),
            status,
            self.lang,
        )
    }
}

/// An error answer on a buyer's page (`/b/…`, `/01/…`): the error page in
/// the reader's language, with the page's `Link` header. A printed code
/// never meets a bare 404.
#[derive(Debug)]
pub struct PageError {
    err: ServiceError,
    lang: Lang,
    path: String,
}

impl PageError {
    /// Wraps a service error met on the page at `path` for a reader of
    /// `lang`.
    pub fn new(err: impl Into<ServiceError>, lang: Lang, path: impl Into<String>) -> Self {
        Self {
            err: err.into(),
            lang,
            path: path.into(),
        }
    }
}

/// The error page of a buyer's page (`missing.html`).
#[derive(Template)]
#[template(path = "missing.html")]
struct MissingPage {
    t: &'static Texts,
    style: &'static str,
    other_lang_url: String,
    title: &'static str,
    body: String,
    code: &'static str,
    /// The code the buyer scanned or typed (the page's last path segment),
    /// repeated on the page (issue 15).
    scanned: String,
}

impl MissingPage {
    /// The page for `refusal` (already made public) at `path`. What it
    /// says depends on the class: an unknown lot and a malformed code have
    /// their own words for a buyer; anything else says the refusal's own
    /// sentence.
    fn new(t: &'static Texts, lang: Lang, path: &str, refusal: &Refusal) -> Self {
        let (title, body) = match refusal.code.class() {
            Class::NotFound => (t.not_found_title, t.not_found_body.to_owned()),
            Class::Malformed => (t.bad_code_title, t.bad_code_body.to_owned()),
            Class::Unauthenticated
            | Class::Forbidden
            | Class::MethodNotAllowed
            | Class::Conflict
            | Class::Unprocessable
            | Class::TooLarge
            | Class::TooMany
            | Class::Internal
            | Class::Unavailable => (t.failed_title, refusal.message(lang)),
        };
        Self {
            t,
            style: assets::path("style.css"),
            other_lang_url: format!("{path}?lang={}", t.other_tag),
            title,
            body,
            code: refusal.code.as_str(),
            scanned: path
                .rsplit('/')
                .find(|s| !s.is_empty() && *s != "b" && *s != "01")
                .unwrap_or("")
                .to_owned(),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, refusal) = public(self.err);
        let page = MissingPage::new(Texts::of(self.lang), self.lang, &self.path, &refusal);
        match render(&page) {
            Ok(html) => with_error_headers(buyer_page(status, &self.path, html), status, self.lang),
            Err(e) => unrenderable(self.lang, &e),
        }
    }
}

/// Renders the error page in both languages for one refusal of each kind
/// of wording, at start-up.
pub(super) fn check_templates() -> Result<(), TemplateError> {
    for lang in [Lang::Vi, Lang::En] {
        for code in [Code::NotFound, Code::BadId, Code::Busy, Code::Internal] {
            let refusal = Refusal::new(code);
            render(&MissingPage::new(Texts::of(lang), lang, "/b/x", &refusal))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::extract::ClientLang;
    use axum::Router;
    use axum::body::Body;
    use axum::http::{Request, Uri};
    use axum::routing::get;
    use tower::ServiceExt as _;

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

    /// A buyer's page whose ledger is busy. No HTML route meets a `busy`
    /// refusal for real today (only a submission can), so this route stands
    /// for one: the language is negotiated by the real extractor and the
    /// answer rendered by the real [`PageError`].
    async fn busy_page(ClientLang(lang): ClientLang, uri: Uri) -> Response {
        PageError::new(Refusal::new(Code::Busy), lang, uri.path()).into_response()
    }

    /// issue 12: a 429 on an HTML page answered 400 (a second mapping with
    /// a `_` arm); it answers 429, in the reader's language.
    #[tokio::test]
    async fn issue_12_a_429_on_an_html_page_answers_429_in_the_readers_language() {
        let app = Router::new().route("/b/{id}", get(busy_page));
        for (uri, accept, lang) in [
            ("/b/vai-01", None, Lang::Vi),
            ("/b/vai-01?lang=en", None, Lang::En),
            ("/b/vai-01", Some("en-GB,en;q=0.8"), Lang::En),
            ("/b/vai-01?lang=vi", Some("en"), Lang::Vi),
        ] {
            let mut req = Request::get(uri);
            if let Some(a) = accept {
                req = req.header(header::ACCEPT_LANGUAGE, a);
            }
            let resp = app
                .clone()
                .oneshot(req.body(Body::empty()).expect("request"))
                .await
                .expect("answer");
            assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS, "{uri}");
            let headers = resp.headers().clone();
            assert!(
                headers[header::CONTENT_TYPE]
                    .to_str()
                    .expect("type")
                    .starts_with("text/html")
            );
            assert_eq!(headers[header::CONTENT_LANGUAGE], lang.tag(), "{uri}");
            assert_eq!(headers[header::RETRY_AFTER], "1");
            assert!(
                headers.contains_key(header::LINK),
                "a buyer's page keeps its Link"
            );
            let body = body_of(resp).await;
            assert!(body.contains(Code::Busy.message(lang)), "{uri}: {body}");
            assert!(body.contains(Texts::of(lang).failed_title), "{uri}");
        }
    }

    #[tokio::test]
    async fn html_pages_and_json_answers_take_the_same_status_for_every_code() {
        for code in Code::ALL {
            let json = ApiError::new(Refusal::new(*code), Lang::Vi).into_response();
            let html = PageError::new(Refusal::new(*code), Lang::Vi, "/b/x").into_response();
            assert_eq!(json.status(), html.status(), "{code:?}");
            assert_eq!(json.status(), class_status(code.class()), "{code:?}");
        }
    }

    #[tokio::test]
    async fn a_5xx_page_carries_no_internal_detail() {
        let err = ServiceError::Internal("template BatchPage: secret detail".into());
        let resp = PageError::new(err, Lang::En, "/b/x").into_response();
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = body_of(resp).await;
        assert!(!body.contains("secret"), "{body}");
        assert!(body.contains(Code::Internal.message(Lang::En)), "{body}");
    }

    #[test]
    fn every_template_renders_at_start_up() {
        crate::http::buyer_view::check_templates().expect("batch page");
        crate::http::labels::check_templates().expect("labels");
        check_templates().expect("error pages");
        crate::http::dashboard::check_templates().expect("dashboard");
    }
}
