#!/usr/bin/env python3
"""A client of `yinjian serve` (see its OpenAPI document at GET /v1/openapi.json), using only
the Python standard library: the pattern for any backend (Java, Go, .NET) that cannot link the
Rust crate.

    python3 yinjian_client.py http://127.0.0.1:8080 DOC.ofd [--at 2027-06-01T00:00:00Z] [--multipart]

Prints the verdict and one line per signature; exits 0 PASSED, 1 FAILED, 2 INDETERMINATE,
3 when the server refused the request (the error code and message are printed).
"""

import json
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid

EXIT = {"PASSED": 0, "FAILED": 1, "INDETERMINATE": 2}


class ServiceError(Exception):
    """A refusal: the HTTP status and the JSON error's stable code and message."""

    def __init__(self, status, code, message):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


def _call(request):
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.load(response)
    except urllib.error.HTTPError as e:
        body = json.loads(e.read() or b"{}")
        error = body.get("error", {})
        raise ServiceError(e.code, error.get("code", "?"), error.get("message", "")) from None


def verify(base_url, document, at=None, revocation=None, multipart=False):
    """POST /v1/verify: the report (a dict, docs/REPORT.md) of the document's bytes."""
    query = {k: v for k, v in (("at", at), ("revocation", revocation)) if v}
    url = f"{base_url.rstrip('/')}/v1/verify" + (f"?{urllib.parse.urlencode(query)}" if query else "")
    if multipart:
        boundary = uuid.uuid4().hex
        body = (
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"document\"; filename=\"document\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode() + document + f"\r\n--{boundary}--\r\n".encode()
        content_type = f"multipart/form-data; boundary={boundary}"
    else:
        body, content_type = document, "application/octet-stream"
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    return _call(request)


def health(base_url):
    """GET /v1/health."""
    return _call(urllib.request.Request(f"{base_url.rstrip('/')}/v1/health"))


def main(argv):
    args = argv[1:]
    multipart = "--multipart" in args
    args = [a for a in args if a != "--multipart"]
    at = None
    if "--at" in args:
        i = args.index("--at")
        at = args[i + 1]
        del args[i : i + 2]
    if len(args) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 3
    base_url, path = args
    with open(path, "rb") as f:
        document = f.read()
    try:
        report = verify(base_url, document, at=at, multipart=multipart)
    except ServiceError as e:
        print(f"refused: {e}", file=sys.stderr)
        return 3
    print(f"{report['status']}  {report['summary']}")
    for i, part in enumerate(report.get("parts", []), 1):
        who = part.get("subject", {}).get("signer", "")
        why = f"  [{part['reason']}]" if part.get("reason") else ""
        print(f"signature {i}: {part['status']}  {who}{why}")
    return EXIT[report["status"]]


if __name__ == "__main__":
    sys.exit(main(sys.argv))
