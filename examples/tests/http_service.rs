//! The HTTP service driven in-process through its router: good and tampered documents get
//! the verdicts the test vectors expect, in the library's own report JSON; bad requests get
//! the documented JSON errors, never a panic.

use std::io::{Cursor, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;
use yinjian::x509::{self, RevocationPolicy, TrustStore};
use yinjian::Time;
use yinjian_examples::service::{app, MAX_BODY};
use yinjian_examples::{verify_document, DocumentKind, Trust};

/// A validation time inside the validity of the test PKI and of the bundled sample.
const AT: &str = "2027-06-01T00:00:00Z";

fn repo_file(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(repo_file(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The test SM2 PKI the bundled sample was sealed with.
fn sample_trust() -> Trust {
    Trust::load(
        &[repo_file("test-vectors/x509/sm2/certs/root.pem")],
        &[repo_file("test-vectors/x509/sm2/certs/int.pem")],
    )
    .expect("the test PKI loads")
}

fn sample_app() -> Router {
    app(Arc::new(sample_trust()))
}

/// Sends one request; returns the status and the body as JSON.
async fn call(app: Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = app.oneshot(request).await.expect("the router always answers");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("a whole body").to_bytes();
    let json = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{status}: body is not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    (status, json)
}

fn post(uri: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri).body(body.into()).expect("a valid request")
}

fn error_code(json: &Value) -> &str {
    json["error"]["code"].as_str().unwrap_or_default()
}

/// The sample OFD with one byte of its page content changed, everything else as it was.
fn tampered_sample() -> Vec<u8> {
    let mut source = zip::ZipArchive::new(Cursor::new(read("test-vectors/sample/notice.ofd"))).expect("a ZIP");
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut changed = false;
    for i in 0..source.len() {
        let mut entry = source.by_index(i).expect("an entry");
        let name = entry.name().expect("a UTF-8 name").into_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("readable");
        if name == "Doc_0/Pages/Page_0/Content.xml" {
            let digit = data.iter().position(u8::is_ascii_digit).expect("a digit in the page");
            data[digit] = if data[digit] == b'9' { b'0' } else { data[digit] + 1 };
            changed = true;
        }
        writer.start_file(name, options).expect("an entry written");
        writer.write_all(&data).expect("written");
    }
    assert!(changed, "the sample has its page content entry");
    writer.finish().expect("a ZIP").into_inner()
}

#[tokio::test]
async fn sample_ofd_passes_with_the_library_report_unchanged() {
    let document = read("test-vectors/sample/notice.ofd");
    let response = sample_app()
        .oneshot(post(&format!("/verify?at={AT}"), document.clone()))
        .await
        .expect("an answer");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    let body = response.into_body().collect().await.expect("a body").to_bytes();

    let direct = verify_document(
        &sample_trust(),
        DocumentKind::Ofd,
        &document,
        Time::parse(AT).expect("a time"),
        RevocationPolicy::NotRequired,
    );
    assert_eq!(
        body,
        serde_json::to_vec(&direct).expect("JSON"),
        "the body is the library's JSON"
    );

    let json: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(json["kind"], "ofd");
    assert_eq!(json["status"], "PASSED");
    assert_eq!(json["subject"]["validation_time"], AT);
    assert_eq!(json["parts"].as_array().map(Vec::len), Some(1));
    assert_eq!(json["parts"][0]["status"], "PASSED");
    assert_eq!(json["parts"][0]["subject"]["seal"], "某市人民政府办公厅公章");
}

#[tokio::test]
async fn one_changed_byte_fails_naming_the_changed_file() {
    let (status, json) = call(sample_app(), post(&format!("/verify?at={AT}"), tampered_sample())).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a completed verification is 200 whatever the verdict"
    );
    assert_eq!(json["status"], "FAILED");
    let part = &json["parts"][0];
    assert_eq!(part["status"], "FAILED");
    assert_eq!(part["reason"], "ModifiedAfterSigning");
    let references = part["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["name"] == "ofd.references"))
        .expect("an ofd.references check");
    assert_eq!(references["status"], "FAILED");
    assert!(
        references["message"]
            .as_str()
            .is_some_and(|m| m.contains("Doc_0/Pages/Page_0/Content.xml")),
        "{references}"
    );
}

#[tokio::test]
async fn revocation_required_without_revocation_data_is_indeterminate() {
    let uri = format!("/verify?at={AT}&revocation=required");
    let (status, json) = call(sample_app(), post(&uri, read("test-vectors/sample/notice.ofd"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["status"], "INDETERMINATE");
    assert_eq!(json["parts"][0]["reason"], "RevocationUnknown");
}

/// Every OFD and PDF case of the test vectors through `POST /verify`, with the case's own
/// anchors, intermediates, time and revocation policy: the verdict and each signature's
/// verdict and reason are the ones the case expects.
#[tokio::test]
async fn document_vectors_get_their_expected_verdicts() {
    let mut ran = Vec::new();
    for file in ["test-vectors/ofd/cases.jsonl", "test-vectors/pdf/cases.jsonl"] {
        let text = String::from_utf8(read(file)).expect("UTF-8");
        for line in text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
            let case: Value = serde_json::from_str(line).expect("a JSON case");
            let id = case["id"].as_str().expect("an id").to_owned();
            if case.get("signer_certificates").is_some() {
                continue; // the service takes no signer certificates: bare SM2 signatures name none
            }
            let pems = |field: &str| -> Vec<String> {
                case[field]
                    .as_array()
                    .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
                    .unwrap_or_default()
            };
            let mut anchors = TrustStore::new();
            for pem in pems("anchors") {
                anchors.add_pem(pem.as_bytes()).expect("an anchor");
            }
            let mut intermediates = Vec::new();
            for pem in pems("intermediates") {
                intermediates.extend(x509::parse_all(pem.as_bytes()).expect("an intermediate"));
            }
            let document = hex_decode(case["document_hex"].as_str().expect("document_hex"));
            let revocation = if case["revocation_required"] == true {
                "required"
            } else {
                "not-required"
            };
            let uri = format!(
                "/verify?at={}&revocation={revocation}",
                case["at"].as_str().expect("at")
            );
            let service = app(Arc::new(Trust::new(anchors, intermediates)));
            let (status, json) = call(service, post(&uri, document)).await;

            assert_eq!(status, StatusCode::OK, "{id}");
            assert_eq!(json["status"], case["expect"], "{id}: {}", json["summary"]);
            if let Some(reason) = case.get("reason") {
                assert_eq!(&json["reason"], reason, "{id}");
            }
            let expected_parts = case["parts"].as_array().expect("parts");
            let parts = json["parts"].as_array().cloned().unwrap_or_default();
            assert_eq!(parts.len(), expected_parts.len(), "{id}: signatures");
            for (part, expected) in parts.iter().zip(expected_parts) {
                assert_eq!(part["status"], expected["expect"], "{id}: {}", part["summary"]);
                if let Some(reason) = expected.get("reason") {
                    assert_eq!(&part["reason"], reason, "{id}");
                }
            }
            ran.push(id);
        }
    }
    for id in [
        "ofd-sealed",
        "ofd-page-edited",
        "pdf-sm2-signed",
        "pdf-page-rewritten",
        "pdf-not-signed",
    ] {
        assert!(ran.iter().any(|r| r == id), "case {id} ran (ran: {ran:?})");
    }
}

fn hex_decode(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

#[tokio::test]
async fn neither_ofd_nor_pdf_is_415() {
    for body in [&b"hello, not a document"[..], b"", b"P", b"%PD"] {
        let (status, json) = call(sample_app(), post("/verify", body.to_vec())).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body:?}");
        assert_eq!(error_code(&json), "UnsupportedMedia");
        assert!(json["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

#[tokio::test]
async fn hostile_documents_get_a_report_not_a_crash() {
    let mut truncated = read("test-vectors/sample/notice.ofd");
    truncated.truncate(truncated.len() / 2);
    for (body, expected) in [
        (b"PK\x03\x04 not really a zip".to_vec(), "FAILED"),
        (truncated, "FAILED"),
        (b"%PDF-1.7\n garbage".to_vec(), "FAILED"),
    ] {
        let (status, json) = call(sample_app(), post(&format!("/verify?at={AT}"), body)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(json["status"], expected, "{}", json["summary"]);
    }
}

#[tokio::test]
async fn a_declared_oversized_body_is_413_before_it_is_read() {
    let request = Request::post("/verify")
        .header(header::CONTENT_LENGTH, (MAX_BODY + 1).to_string())
        .body(Body::from("%PDF-1.7"))
        .expect("a request");
    let (status, json) = call(sample_app(), request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(&json), "TooLarge");
}

#[tokio::test]
async fn a_sent_oversized_body_is_413() {
    let mut body = b"%PDF-1.7\n".to_vec();
    body.resize(MAX_BODY + 1, b' ');
    let (status, json) = call(sample_app(), post("/verify", body)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(&json), "TooLarge");
}

#[tokio::test]
async fn bad_queries_are_400() {
    for query in [
        "at=yesterday",
        "at=2027-13-01T00:00:00Z",
        "revocation=maybe",
        "revocations=required",
    ] {
        let (status, json) = call(
            sample_app(),
            post(&format!("/verify?{query}"), read("test-vectors/sample/notice.ofd")),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(error_code(&json), "BadRequest", "{query}");
    }
}

#[tokio::test]
async fn health_answers_ok_with_the_version() {
    let request = Request::get("/health").body(Body::empty()).expect("a request");
    let (status, json) = call(sample_app(), request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["status"], "ok");
    assert_eq!(json["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn unknown_routes_and_methods_get_json_errors() {
    let request = Request::get("/nothing").body(Body::empty()).expect("a request");
    let (status, json) = call(sample_app(), request).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&json), "NotFound");

    let request = Request::builder()
        .method(Method::GET)
        .uri("/verify")
        .body(Body::empty())
        .expect("a request");
    let (status, json) = call(sample_app(), request).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(error_code(&json), "MethodNotAllowed");
}
