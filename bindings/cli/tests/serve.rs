//! `yinjian serve` over real HTTP on loopback: valid requests answered with reports that match
//! the OpenAPI document, hostile ones (oversized, truncated, slow, wrong type, too many at once,
//! too slow overall) refused with their JSON error and status, and the server still up after.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sample() -> Vec<u8> {
    std::fs::read(repo().join("test-vectors/sample/notice.ofd")).unwrap()
}

/// A running server; killed when dropped.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let root = repo().join("test-vectors/x509/sm2/certs");
        let mut child = Command::new(env!("CARGO_BIN_EXE_yinjian"))
            .args(["serve", "--listen", "127.0.0.1:0", "--no-revocation", "--anchors"])
            .arg(root.join("root.pem"))
            .arg("--intermediates")
            .arg(root.join("int.pem"))
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = child.stdout.take().unwrap();
        let mut line = Vec::new();
        let mut byte = [0u8; 1];
        while out.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
            line.push(byte[0]);
        }
        let line = String::from_utf8(line).unwrap();
        let address = line
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("{line}"))
            .to_owned();
        Server { child, address }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(&self.address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        stream
    }

    /// Sends `head` (request line and headers, without the blank line) and `body`, returns
    /// the status and the JSON body.
    fn request(&self, head: &str, body: &[u8]) -> (u16, Value) {
        let mut stream = self.connect();
        let request = format!(
            "{head}\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        stream.write_all(request.as_bytes()).unwrap();
        let _ = stream.write_all(body);
        read_response(stream)
    }

    fn post(&self, path: &str, body: &[u8]) -> (u16, Value) {
        self.request(&format!("POST {path} HTTP/1.1"), body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_response(mut stream: TcpStream) -> (u16, Value) {
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no response: {text:?}"));
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        dechunk(body)
    } else {
        body.to_owned()
    };
    (
        status,
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}")),
    )
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap();
        if size == 0 {
            break;
        }
        out.push_str(&rest[..size]);
        body = &rest[size + 2..];
    }
    out
}

fn openapi() -> Value {
    serde_json::from_str(include_str!("../src/openapi.json")).unwrap()
}

/// Checks `value` against the schema (the subset the document uses: $ref, type, required,
/// properties, items, enum), naming the first mismatch.
fn conforms(value: &Value, schema: &Value, doc: &Value, at: &str) -> Result<(), String> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/components/schemas/");
        return conforms(value, &doc["components"]["schemas"][name], doc, at);
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            return Err(format!("{at}: {value} not in {allowed:?}"));
        }
    }
    let ok = match schema.get("type").and_then(Value::as_str) {
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        _ => true,
    };
    if !ok {
        return Err(format!("{at}: {value} is not of type {}", schema["type"]));
    }
    for key in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
        if value.get(key.as_str().unwrap()).is_none() {
            return Err(format!("{at}: required {key} missing"));
        }
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (key, sub) in properties {
            if let Some(v) = value.get(key) {
                conforms(v, sub, doc, &format!("{at}.{key}"))?;
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, v) in array.iter().enumerate() {
            conforms(v, items, doc, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

/// The answer conforms to what the OpenAPI document says `path` answers with `status`.
fn assert_documented(method: &str, path: &str, status: u16, body: &Value) {
    let doc = openapi();
    let responses = &doc["paths"][path][method]["responses"];
    let response = responses
        .get(status.to_string())
        .unwrap_or_else(|| panic!("{method} {path} answered {status}, which the OpenAPI document does not list"));
    let response = match response.get("$ref").and_then(Value::as_str) {
        Some(r) => &doc["components"]["responses"][r.trim_start_matches("#/components/responses/")],
        None => response,
    };
    conforms(body, &response["content"]["application/json"]["schema"], &doc, "body").unwrap();
}

const AT: &str = "at=2027-06-01T00:00:00Z";

#[test]
fn valid_requests_get_documented_reports() {
    let server = Server::start(&[]);
    let (status, body) = server.post(&format!("/v1/verify?{AT}"), &sample());
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "PASSED", "{body}");
    assert_eq!(body["kind"], "ofd");
    assert_documented("post", "/v1/verify", 200, &body);

    // A tampered copy is still a 200: the verdict is in the report.
    let mut tampered = sample();
    let n = tampered.len();
    tampered[n / 2] ^= 1;
    let (status, body) = server.post(&format!("/v1/verify?{AT}"), &tampered);
    assert_eq!(status, 200);
    assert_ne!(body["status"], "PASSED", "{body}");
    assert_documented("post", "/v1/verify", 200, &body);

    // multipart/form-data with a `document` part.
    let boundary = "yjboundary";
    let mut form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"document\"; filename=\"notice.ofd\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    form.extend_from_slice(&sample());
    form.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let (status, body) = server.request(
        &format!("POST /v1/verify?{AT} HTTP/1.1\r\nContent-Type: multipart/form-data; boundary={boundary}"),
        &form,
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "PASSED");

    // The revocation policy per request: required with no CRLs is INDETERMINATE.
    let (status, body) = server.post(&format!("/v1/verify?{AT}&revocation=required"), &sample());
    assert_eq!(status, 200);
    assert_eq!(body["status"], "INDETERMINATE", "{body}");

    let (status, body) = server.request("GET /v1/health HTTP/1.1", b"");
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    assert_eq!(body["anchors"], 1);
    assert_documented("get", "/v1/health", 200, &body);

    let (status, body) = server.request("GET /v1/openapi.json HTTP/1.1", b"");
    assert_eq!(status, 200);
    assert_eq!(body, openapi());
}

#[test]
fn the_server_judges_every_report_by_its_validation_policy() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.json");
    std::fs::write(&policy, r#"{"levels": {"x509.revocation": "WARN"}}"#).unwrap();
    let server = Server::start(&["--policy", policy.to_str().unwrap()]);
    // Revocation required and no CRLs: INDETERMINATE under the default policy (above), PASSED
    // here, the check that decided it saying it only warns.
    let (status, body) = server.post(&format!("/v1/verify?{AT}&revocation=required"), &sample());
    assert_eq!(status, 200);
    assert_eq!(body["status"], "PASSED", "{body}");
    assert!(body.to_string().contains(r#""policy_level":"WARN""#), "{body}");
    assert_documented("post", "/v1/verify", 200, &body);
    // A bad policy file stops the server from starting.
    std::fs::write(&policy, r#"{"levels": {"x509.revocation": "WARNING"}}"#).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_yinjian"))
        .args(["serve", "--listen", "127.0.0.1:0", "--policy", policy.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("levels.x509.revocation"));
}

#[test]
fn the_documented_reasons_are_every_reason() {
    let doc = openapi();
    let listed: Vec<&str> = doc["components"]["schemas"]["Reason"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let all: Vec<&str> = yinjian::Reason::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(
        listed, all,
        "openapi.json's Reason enum is out of step with yinjian::Reason::ALL"
    );
}

#[test]
fn hostile_requests_get_their_status_and_the_server_stays_up() {
    let server = Server::start(&["--max-body", "100000", "--body-timeout", "1"]);
    let cases: Vec<(&str, u16, &str, Vec<u8>)> = vec![
        ("not a document", 415, "UnsupportedMedia", b"hello, world".to_vec()),
        ("empty body", 415, "UnsupportedMedia", Vec::new()),
        ("bad time", 400, "BadRequest", sample()),
        ("oversized", 413, "TooLarge", vec![b'%'; 200_000]),
    ];
    for (what, want, code, body) in cases {
        let path = if what == "bad time" {
            "/v1/verify?at=yesterday"
        } else {
            "/v1/verify"
        };
        let (status, answer) = server.post(path, &body);
        assert_eq!(status, want, "{what}: {answer}");
        assert_eq!(answer["error"]["code"], code, "{what}");
        assert_documented("post", "/v1/verify", status, &answer);
    }

    // Oversized without a declared length (chunked): refused while it arrives.
    let mut stream = server.connect();
    stream
        .write_all(b"POST /v1/verify HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n")
        .unwrap();
    for _ in 0..30 {
        let chunk = vec![b'%'; 8192];
        if stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).is_err()
            || stream.write_all(&chunk).is_err()
            || stream.write_all(b"\r\n").is_err()
        {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n");
    let (status, answer) = read_response(stream);
    assert_eq!((status, answer["error"]["code"].as_str()), (413, Some("TooLarge")));

    // Truncated: a declared length that never fully arrives, then the sender closes.
    let mut stream = server.connect();
    stream
        .write_all(b"POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\nPK\x03\x04only-a-little")
        .unwrap();
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    let (status, answer) = read_response(stream);
    assert_eq!(status, 400, "{answer}");

    // Slow body: headers, a few bytes, then nothing: cut off after --body-timeout.
    let mut stream = server.connect();
    stream
        .write_all(b"POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\nPK\x03\x04")
        .unwrap();
    let (status, answer) = read_response(stream);
    assert_eq!((status, answer["error"]["code"].as_str()), (408, Some("BodyTimeout")));

    let (status, body) = server.post("/v1/verify?at=2027-06-01T00:00:00Z", &sample());
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("PASSED")),
        "still serving after the hostile ones"
    );
    let (status, _) = server.request("DELETE /v1/verify HTTP/1.1", b"");
    assert_eq!(status, 405);
}

#[test]
fn a_full_server_answers_busy_and_a_slow_request_times_out() {
    let server = Server::start(&["--max-requests", "1", "--timeout", "1", "--body-timeout", "10"]);
    // One slow request holds the only admission slot…
    let mut slow = server.connect();
    slow.write_all(b"POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\nPK\x03\x04")
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    // …so the next one is refused at once, with Retry-After.
    let (status, answer) = server.post("/v1/verify", &sample());
    assert_eq!((status, answer["error"]["code"].as_str()), (503, Some("Busy")));
    assert_documented("post", "/v1/verify", 503, &answer);
    // The slow one runs out of its whole-request time (1 s), before its body time (10 s).
    let (status, answer) = read_response(slow);
    assert_eq!((status, answer["error"]["code"].as_str()), (504, Some("Timeout")));
    assert_documented("post", "/v1/verify", 504, &answer);
    // The slot is free again.
    let (status, body) = server.post("/v1/verify?at=2027-06-01T00:00:00Z", &sample());
    assert_eq!((status, body["status"].as_str()), (200, Some("PASSED")));
}

#[test]
fn a_non_loopback_address_is_refused_without_allow_remote() {
    let out = Command::new(env!("CARGO_BIN_EXE_yinjian"))
        .args(["serve", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--allow-remote"));
}
