#!/usr/bin/env python3
"""Build test-vectors/sm2-openssl.jsonl. Called by gen-sm2.sh, which first
makes the keys and exports them (see there); run that script, not this one.

Every signature comes from `openssl pkeyutl -sign`. Every case whose outcome
OpenSSL can judge is put to OpenSSL, and the script stops when OpenSSL's
answer does not match the expectation written in the case. A small reference
verifier (GB/T 32918.2 clause 7, written out below) judges every case as well,
including the raw r||s ones that OpenSSL cannot read.

Standard library only (hashlib's sm3 comes from OpenSSL)."""

import argparse
import base64
import hashlib
import json
import os
import re
import subprocess
import sys

# --------------------------------------------------------------------------
# SM2 recommended curve, GB/T 32918.5-2017 (sm2p256v1)

P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0
G = (GX, GY)

SM2_OID_DER = bytes.fromhex("06082a811ccf5501822d")       # 1.2.156.10197.1.301
EC_PUBKEY_OID_DER = bytes.fromhex("06072a8648ce3d0201")    # 1.2.840.10045.2.1
DEFAULT_ID = "1234567812345678"


def sm3(data):
    return hashlib.new("sm3", data).digest()


def on_curve(pt):
    x, y = pt
    return 0 <= x < P and 0 <= y < P and (y * y - (x * x * x + A * x + B)) % P == 0


def ec_add(p1, p2):
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2:
        if (y1 + y2) % P == 0:
            return None
        lam = (3 * x1 * x1 + A) * pow(2 * y1, -1, P) % P
    else:
        lam = (y2 - y1) * pow(x2 - x1, -1, P) % P
    x3 = (lam * lam - x1 - x2) % P
    return (x3, (lam * (x1 - x3) - y1) % P)


def ec_mul(k, pt):
    acc = None
    while k:
        if k & 1:
            acc = ec_add(acc, pt)
        pt = ec_add(pt, pt)
        k >>= 1
    return acc


def b32(v):
    return v.to_bytes(32, "big")


def za(distid, pub):
    ida = distid.encode("utf-8")
    entl = (len(ida) * 8).to_bytes(2, "big")
    return sm3(entl + ida + b32(A) + b32(B) + b32(GX) + b32(GY) + b32(pub[0]) + b32(pub[1]))


def ref_verify(pub, distid, msg, r, s):
    """GB/T 32918.2-2016 clause 7.1, steps B1-B7. True when the signature holds."""
    if not (1 <= r <= N - 1 and 1 <= s <= N - 1):          # B1, B2
        return False
    e = int.from_bytes(sm3(za(distid, pub) + msg), "big")  # B3, B4
    t = (r + s) % N                                        # B5
    if t == 0:
        return False
    x1 = ec_add(ec_mul(s, G), ec_mul(t, pub))              # B6
    return x1 is not None and (e + x1[0]) % N == r         # B7


def compress(pub):
    return bytes([2 + (pub[1] & 1)]) + b32(pub[0])


# --------------------------------------------------------------------------
# DER

def der_len(n):
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def der_tlv(tag, body):
    return bytes([tag]) + der_len(len(body)) + body


def der_int(v):
    body = v.to_bytes(max(1, (v.bit_length() + 7) // 8), "big")
    if body[0] & 0x80:
        body = b"\x00" + body
    return der_tlv(0x02, body)


def der_sig(r, s):
    return der_tlv(0x30, der_int(r) + der_int(s))


def der_read(buf, off):
    """One strict-DER TLV at off: (tag, body_start, body_end). ValueError if bad."""
    if off + 2 > len(buf):
        raise ValueError("short")
    tag, first = buf[off], buf[off + 1]
    off += 2
    if first < 0x80:
        length = first
    else:
        nb = first & 0x7F
        if nb == 0 or nb > 4 or off + nb > len(buf):
            raise ValueError("bad length")
        length = int.from_bytes(buf[off:off + nb], "big")
        if length < 0x80 or buf[off] == 0:
            raise ValueError("non-minimal length")
        off += nb
    if off + length > len(buf):
        raise ValueError("short body")
    return tag, off, off + length


def der_children(buf, start, end):
    out, off = [], start
    while off < end:
        tag, s, e = der_read(buf, off)
        if e > end:
            raise ValueError("child overruns parent")
        out.append((tag, s, e))
        off = e
    return out


def strict_sig_decode(sig):
    """(r, s) from a DER SEQUENCE { INTEGER r, INTEGER s }, or None if not strict DER."""
    try:
        tag, s0, e0 = der_read(sig, 0)
        if tag != 0x30 or e0 != len(sig):
            return None
        kids = der_children(sig, s0, e0)
        if len(kids) != 2:
            return None
        vals = []
        for tag, s, e in kids:
            body = sig[s:e]
            if tag != 0x02 or not body:
                return None
            if body[0] & 0x80:
                return None                                 # negative
            if len(body) > 1 and body[0] == 0 and not body[1] & 0x80:
                return None                                 # needless leading zero
            vals.append(int.from_bytes(body, "big"))
        return tuple(vals)
    except ValueError:
        return None


def ref_judge(pub, distid, msg, sig):
    """What a verifier following the README should report for sig."""
    if len(sig) == 64:
        r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
        enc = "raw"
    else:
        rs = strict_sig_decode(sig)
        if rs is None:
            return ("FAILED", "Malformed")
        (r, s), enc = rs, "der"
    if ref_verify(pub, distid, msg, r, s):
        return ("PASSED", enc)
    return ("FAILED", "BadSignature")


# --------------------------------------------------------------------------
# OpenSSL

class Ossl:
    def __init__(self, work, version):
        self.work = work
        self.version = " ".join(version.split()[:2])       # "OpenSSL 3.0.x"
        self.n = 0

    def tmp(self, data, suffix):
        self.n += 1
        path = os.path.join(self.work, "t%05d%s" % (self.n, suffix))
        with open(path, "wb") as f:
            f.write(data)
        return path

    def run(self, args, check=True, timeout=60):
        p = subprocess.run(["openssl"] + args, capture_output=True, timeout=timeout)
        if check and p.returncode != 0:
            sys.exit("sm2vec.py: openssl %s failed:\n%s" % (" ".join(args), p.stderr.decode(errors="replace")))
        return p

    def sign(self, key_pem_path, distid, msg, timeout=60):
        m = self.tmp(msg, ".msg")
        out = os.path.join(self.work, "sig.der")
        self.run(["pkeyutl", "-sign", "-inkey", key_pem_path, "-rawin", "-digest", "sm3",
                  "-pkeyopt", "distid:" + distid, "-in", m, "-out", out], timeout=timeout)
        with open(out, "rb") as f:
            return f.read()

    def verify(self, pub_pem_path, distid, msg, sig):
        """'ok', 'mismatch' (no error raised: the equation fails), 'bad-signature'
        (SM2 reason 101: r or s out of range, or t = 0) or 'invalid-encoding'
        (SM2 reason 104: DER decode failed or does not re-encode to the same bytes)."""
        m = self.tmp(msg, ".msg")
        sg = self.tmp(sig, ".sig")
        p = self.run(["pkeyutl", "-verify", "-pubin", "-inkey", pub_pem_path, "-rawin",
                      "-digest", "sm3", "-pkeyopt", "distid:" + distid, "-in", m,
                      "-sigfile", sg], check=False)
        out = (p.stdout + p.stderr).decode(errors="replace")
        if p.returncode == 0 and "Signature Verified Successfully" in out:
            return "ok"
        if "Signature Verification Failure" not in out:
            sys.exit("sm2vec.py: unexpected openssl verify output:\n" + out)
        if re.search(r"SM2 routines:[^:]*:(reason\(104\)|invalid encoding)", out):
            return "invalid-encoding"
        if re.search(r"SM2 routines:[^:]*:(reason\(101\)|bad signature)", out):
            return "bad-signature"
        if "error:" in out:
            sys.exit("sm2vec.py: unexpected openssl verify error:\n" + out)
        return "mismatch"

    def pub_from_private_der(self, der):
        """OpenSSL's public point (x, y) for a private key in DER (SEC1 or PKCS#8)."""
        p = self.run(["pkey", "-inform", "DER", "-in", self.tmp(der, ".der"),
                      "-pubout", "-outform", "DER"], check=False)
        if p.returncode != 0:
            return None
        spki = p.stdout
        if spki[-65] != 4:
            return None
        return (int.from_bytes(spki[-64:-32], "big"), int.from_bytes(spki[-32:], "big"))

    def check_private_der(self, der):
        """(ok, message) from `openssl pkey -check` on a private key in DER."""
        p = self.run(["pkey", "-inform", "DER", "-in", self.tmp(der, ".der"),
                      "-check", "-noout"], check=False)
        text = (p.stdout + p.stderr).decode(errors="replace")
        m = re.search(r"error:[0-9A-F]+:([^:]*):([^:]*):([^:]*)", text)
        return p.returncode == 0 and "Key is valid" in text, (m.group(0) if m else text.strip())

    def load_public(self, data, inform):
        """(loaded, text): can `openssl pkey -pubin` read this public key (PEM or DER)?"""
        p = self.run(["pkey", "-pubin", "-inform", inform, "-in", self.tmp(data, ".pub"),
                      "-noout", "-text"], check=False)
        return p.returncode == 0, (p.stdout + p.stderr).decode(errors="replace")


OSSL_SAYS = {
    "ok": "verifies",
    "mismatch": "rejects it (verification equation fails)",
    "bad-signature": "rejects it with SM2 reason 101 'bad signature' (r or s outside [1, n-1], or t = 0)",
    "invalid-encoding": "rejects it with SM2 reason 104 'invalid encoding' (DER decode failed or does not re-encode to the same bytes)",
}
OSSL_AGREES = {
    ("PASSED", None): {"ok"},
    ("FAILED", "BadSignature"): {"mismatch", "bad-signature"},
    ("FAILED", "Malformed"): {"invalid-encoding"},
}


# --------------------------------------------------------------------------
# keys

class Key:
    pass


def read(path, mode="rb"):
    with open(path, mode) as f:
        return f.read()


def parse_sec1(der):
    """(d, has_params_sm2, pub_bytes or None) from an ECPrivateKey."""
    tag, s, e = der_read(der, 0)
    assert tag == 0x30 and e == len(der), "SEC1: not one SEQUENCE"
    kids = der_children(der, s, e)
    assert der[kids[0][1]:kids[0][2]] == b"\x01", "SEC1: version is not 1"
    assert kids[1][0] == 0x04 and kids[1][2] - kids[1][1] == 32, "SEC1: private key is not a 32-byte OCTET STRING"
    d = int.from_bytes(der[kids[1][1]:kids[1][2]], "big")
    params_sm2, pub = False, None
    for tag, cs, ce in kids[2:]:
        if tag == 0xA0:
            params_sm2 = der[cs:ce] == SM2_OID_DER
        elif tag == 0xA1:
            t2, bs, be = der_read(der, cs)
            assert t2 == 0x03 and der[bs] == 0, "SEC1: bad publicKey BIT STRING"
            pub = der[bs + 1:be]
    return d, params_sm2, pub


def load_key(name, keys_dir, work, ossl):
    k = Key()
    k.name = name
    k.pem_path = os.path.join(keys_dir, name + ".pem")
    k.pem = read(k.pem_path, "r")
    w = os.path.join(work, name)
    k.pub_pem_path = w + ".pub.pem"
    k.pub_pem = read(k.pub_pem_path, "r")
    k.spki = read(w + ".pub.der")
    k.spki_c = read(w + ".pubc.der")
    k.p8 = read(w + ".p8.der")
    k.sec1 = read(w + ".sec1.der")
    k.sec1_nopub = read(w + ".sec1nopub.der")
    text = read(w + ".text", "r")
    if name == "p256":
        return k

    # The PEM file is PKCS#8 and is the same bytes as the PKCS#8 DER.
    body = "".join(l for l in k.pem.splitlines() if not l.startswith("-----"))
    assert k.pem.startswith("-----BEGIN PRIVATE KEY-----"), name + ": PEM is not PKCS#8"
    assert base64.b64decode(body) == k.p8, name + ": PEM and PKCS#8 DER differ"
    # PKCS#8 AlgorithmIdentifier: id-ecPublicKey with the SM2 curve OID.
    assert EC_PUBKEY_OID_DER + SM2_OID_DER in k.p8[:40], name + ": PKCS#8 does not name the SM2 curve"
    # SEC1: ECPrivateKey with parameters [0] = SM2 curve OID and publicKey [1].
    d, params_sm2, pub = parse_sec1(k.sec1)
    assert params_sm2 and pub is not None, name + ": SEC1 lacks the SM2 OID or the public key"
    d2, params_sm2, pub2 = parse_sec1(k.sec1_nopub)
    assert d2 == d and params_sm2 and pub2 is None, name + ": SEC1 without public key is not as expected"
    # SPKI: id-ecPublicKey + SM2 OID + uncompressed point.
    assert k.spki.startswith(bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200")), name + ": SPKI"
    assert k.spki[-65:] == pub, name + ": SPKI point differs from the SEC1 public key"
    assert pem("PRIVATE KEY", k.p8) == k.pem and pem("PUBLIC KEY", k.spki) == k.pub_pem, name + ": PEM layout"
    k.d = d
    k.pub = (int.from_bytes(pub[1:33], "big"), int.from_bytes(pub[33:], "big"))
    k.xy = pub[1:]
    k.sec1_u = pub
    k.sec1_c = k.spki_c[-33:]
    # Cross-checks: python's d*G, `openssl ec -text`, the compressed form.
    assert ec_mul(d, G) == k.pub, name + ": d*G differs from OpenSSL's public key"
    assert on_curve(k.pub)
    assert k.sec1_c == compress(k.pub), name + ": OpenSSL's compressed point differs"
    hexes = re.findall(r"^(priv|pub):\n((?:\s+[0-9a-f:]+\n)+)", text, re.M)
    got = {h: bytes.fromhex(re.sub(r"[\s:]", "", v)) for h, v in hexes}
    assert int.from_bytes(got["priv"], "big") == d and got["pub"] == pub, name + ": `openssl ec -text` differs"
    assert ossl.pub_from_private_der(b"".join([bytes.fromhex("30310201010420"), b32(d),
                                               bytes.fromhex("a00a"), SM2_OID_DER])) == k.pub
    return k


# --------------------------------------------------------------------------
# messages

class Msg:
    def __init__(self, fields, data):
        self.fields, self.data = fields, data


def m_ascii(text, repeat=1):
    f = {"msg_ascii": text}
    if repeat != 1:
        f["repeat"] = repeat
    return Msg(f, text.encode("utf-8") * repeat)


def m_hex(data, repeat=1):
    f = {"msg_hex": data.hex()}
    if repeat != 1:
        f["repeat"] = repeat
    return Msg(f, data * repeat)


def pem(label, der):
    """PEM as OpenSSL writes it (RFC 7468: base64 in lines of 64 characters)."""
    b = base64.b64encode(der).decode()
    lines = [b[i:i + 64] for i in range(0, len(b), 64)]
    return "-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(lines), label)


def pattern(n):
    return bytes(i % 251 for i in range(n))


def flip_last_bit(b):
    return b[:-1] + bytes([b[-1] ^ 1])


# --------------------------------------------------------------------------
# output

HEX_RE = re.compile(r"^[0-9a-f]*$")
KEY_ORDER = ["id", "op", "key", "private_key", "distid", "msg_ascii", "msg_hex", "repeat",
             "sig_hex", "encoding", "expect", "reason", "pub_x_hex", "pub_y_hex",
             "source", "note"]


class Out:
    def __init__(self):
        self.cases, self.ids = [], set()

    def add(self, case):
        assert case["id"] not in self.ids, "duplicate id " + case["id"]
        assert case["id"].startswith("ossl-")
        for k, v in case.items():
            if k.endswith("_hex"):
                assert HEX_RE.match(v), "%s: %s is not lower-case hex" % (case["id"], k)
        unknown = set(case) - set(KEY_ORDER)
        assert not unknown, unknown
        self.ids.add(case["id"])
        self.cases.append({k: case[k] for k in KEY_ORDER if k in case})

    def write(self, path):
        with open(path, "w", encoding="utf-8") as f:
            for c in self.cases:
                f.write(json.dumps(c, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--openssl-version", required=True)
    a = ap.parse_args()

    ossl = Ossl(a.work, a.openssl_version)
    V = ossl.version
    keys = {n: load_key(n, a.keys, a.work, ossl) for n in ("k1", "k2", "k3")}
    p256 = load_key("p256", a.keys, a.work, ossl)
    k1, k2, k3 = keys["k1"], keys["k2"], keys["k3"]
    assert k1.sec1_c[0] != k2.sec1_c[0], "k1 and k2 should differ in y parity"
    out = Out()
    sigdir = os.path.join(a.keys, "sigs")
    used_sigs = set()

    src_key = lambda k: "%s: openssl genpkey -algorithm SM2 (gen/keys/%s.pem)" % (V, k.name)

    # ---- signatures made by OpenSSL, kept under gen/keys/sigs -------------
    SHAPES = {
        "any": (lambda r, s: True, "any"),
        "hi": (lambda r, s: r >> 255 and s >> 255, "r and s both have the top bit set (DER INTEGERs need a leading 00)"),
        "lo": (lambda r, s: not r >> 255 and not s >> 255 and r >> 248 and s >> 248,
               "r and s both below 2^255 and at least 2^248 (32-byte DER INTEGERs without a leading 00)"),
        "rshort": (lambda r, s: r < 1 << 247, "r < 2^247: its DER INTEGER is shorter than 32 bytes and raw r starts with a zero byte"),
        "sshort": (lambda r, s: s < 1 << 247, "s < 2^247: its DER INTEGER is shorter than 32 bytes and raw s starts with a zero byte"),
        "r30": (lambda r, s: r >> 248 == 0x30, "raw r||s starts with byte 0x30, the DER SEQUENCE tag"),
    }

    def ossl_sig(label, key, distid, msg, shape="any"):
        want, _ = SHAPES[shape]
        h = sm3(key.pem.encode() + b"\0" + distid.encode() + b"\0" + msg.data + b"\0" + shape.encode()).hex()[:12]
        path = os.path.join(sigdir, "%s-%s.der" % (label, h))
        used_sigs.add(os.path.basename(path))
        sig = read(path) if os.path.exists(path) else None
        if sig is None or strict_sig_decode(sig) is None or not want(*strict_sig_decode(sig)):
            for _ in range(20000):
                sig = ossl.sign(key.pem_path, distid, msg.data)
                rs = strict_sig_decode(sig)
                assert rs is not None, "OpenSSL made a signature that is not strict DER"
                if want(*rs):
                    break
            else:
                sys.exit("sm2vec.py: no signature of shape " + shape)
            with open(path, "wb") as f:
                f.write(sig)
        rs = strict_sig_decode(sig)
        assert rs is not None and want(*rs), path + ": kept signature is not of shape " + shape
        assert ossl.verify(key.pub_pem_path, distid, msg.data, sig) == "ok", path + ": OpenSSL does not verify it"
        assert ref_verify(key.pub, distid, msg.data, *rs), path + ": reference verifier disagrees"
        return sig, rs, "gen/keys/sigs/" + os.path.basename(path)

    def raw(rs):
        return b32(rs[0]) + b32(rs[1])

    # ---- sm2_verify ------------------------------------------------------
    def verify_case(cid, key, key_text, distid, msg, sig, expect, src, note=""):
        """distid None = field absent (the default ID)."""
        eff_id = DEFAULT_ID if distid is None else distid
        exp = (expect[0], expect[1])
        judged = ref_judge(key.pub, eff_id, msg.data, sig)
        assert judged == exp, "%s: reference verifier says %s, case says %s" % (cid, judged, exp)
        # OpenSSL: DER as given; raw via the DER encoding of the same (r, s).
        if len(sig) == 64:
            der = der_sig(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
            said = ossl.verify(key.pub_pem_path, eff_id, msg.data, der)
            ossl_note = "OpenSSL reads DER only; %s, given the same r and s as DER, %s" % (V, OSSL_SAYS[said])
        else:
            said = ossl.verify(key.pub_pem_path, eff_id, msg.data, sig)
            ossl_note = "%s %s" % (V, OSSL_SAYS[said])
        agree = OSSL_AGREES[(exp[0], None if exp[0] == "PASSED" else exp[1])]
        assert said in agree, "%s: OpenSSL %s, case expects %s" % (cid, said, exp)
        c = {"id": cid, "op": "sm2_verify", "key": key_text}
        if distid is not None:
            c["distid"] = distid
        c.update(msg.fields)
        c["sig_hex"] = sig.hex()
        c["expect"] = exp[0]
        if exp[0] == "PASSED":
            c["encoding"] = exp[1]
        else:
            c["reason"] = exp[1]
        c["source"] = src
        c["note"] = (note + "; " if note else "") + ossl_note
        out.add(c)

    M_MD = m_ascii("message digest")
    M_EMPTY_HEX = m_hex(b"")
    M_EMPTY_ASCII = m_ascii("")
    M_ABC = m_ascii("abc")
    M_00 = m_hex(b"\x00")
    M_64 = m_hex(pattern(64))
    M_1000 = m_hex(pattern(1000))
    M_UTF8 = m_ascii("电子证照验证：国密SM2签名")
    M_A1000 = m_ascii("a", 1000)
    ALICE = "ALICE123@YAHOO.COM"
    UTF8_ID = "测试用户@政务"
    LONG_ID = "yinjian-test-signer." * 10  # 200 bytes

    sig_src = lambda key, distid, path: ("%s: openssl pkeyutl -sign -inkey gen/keys/%s.pem -rawin -digest sm3 "
                                         "-pkeyopt distid:%s (kept as %s)" % (V, key.name, distid, path))

    # label, key, OpenSSL distid, distid field (None = absent), message, shape, what
    S = {}
    plan = [
        ("a", k1, DEFAULT_ID, None, M_MD, "any", "default ID (distid absent), message \"message digest\""),
        ("b", k1, DEFAULT_ID, DEFAULT_ID, M_EMPTY_HEX, "any", "default ID given explicitly, empty message"),
        ("c", k1, ALICE, ALICE, M_MD, "any", "ID ALICE123@YAHOO.COM"),
        ("d", k2, DEFAULT_ID, None, M_1000, "any", "1000-byte message"),
        ("e", k2, ALICE, ALICE, M_EMPTY_ASCII, "any", "ID ALICE123@YAHOO.COM, empty message as msg_ascii"),
        ("f", k3, DEFAULT_ID, DEFAULT_ID, M_ABC, "hi", "message \"abc\""),
        ("g", k3, DEFAULT_ID, None, M_64, "lo", "64-byte message"),
        ("h", k1, DEFAULT_ID, DEFAULT_ID, M_00, "rshort", "1-byte message 00"),
        ("i", k2, DEFAULT_ID, None, M_ABC, "sshort", "message \"abc\""),
        ("j", k3, UTF8_ID, UTF8_ID, M_UTF8, "any", "UTF-8 ID (18 bytes) and UTF-8 message"),
        ("k", k1, LONG_ID, LONG_ID, M_A1000, "any", "200-byte ID, message \"a\" x 1000 via repeat"),
        ("l", k2, DEFAULT_ID, DEFAULT_ID, M_MD, "r30", "message \"message digest\""),
    ]
    for label, key, oid, fid, msg, shape, what in plan:
        sig, rs, path = ossl_sig("sig-" + label, key, oid, msg, shape)
        S[label] = (key, oid, fid, msg, sig, rs, sig_src(key, oid, path), what, shape)

    # positives: every signature, DER and raw, key as PEM SPKI
    for label, (key, oid, fid, msg, sig, rs, src, what, shape) in S.items():
        shape_note = "" if shape == "any" else "; " + SHAPES[shape][1]
        verify_case("ossl-verify-%s-der" % label, key, key.pub_pem, fid, msg, sig, ("PASSED", "der"), src,
                    "%s, key %s as PEM SPKI, DER signature%s" % (what, key.name, shape_note))
        verify_case("ossl-verify-%s-raw" % label, key, key.pub_pem, fid, msg, raw(rs), ("PASSED", "raw"), src,
                    "the DER signature of ossl-verify-%s-der as raw r||s%s" % (label, shape_note))

    # positives: every key format
    fmts = [
        ("spki-der", lambda k: k.spki.hex(), "SPKI DER hex"),
        ("sec1-u", lambda k: k.sec1_u.hex(), "SEC1 uncompressed point hex (04||x||y)"),
        ("sec1-c", lambda k: k.sec1_c.hex(), "SEC1 compressed point hex"),
        ("xy", lambda k: k.xy.hex(), "raw x||y hex (64 bytes)"),
    ]
    for label in ("a", "d", "f"):
        key, oid, fid, msg, sig, rs, src, what, shape = S[label]
        for fname, fn, fdesc in fmts:
            for enc, sg in (("der", sig), ("raw", raw(rs))):
                if label != "a" and enc == "raw" and fname != "sec1-c":
                    continue
                extra = ""
                if fname == "sec1-c":
                    extra = " (prefix %02x: y is %s)" % (key.sec1_c[0], "even" if key.sec1_c[0] == 2 else "odd")
                verify_case("ossl-verify-%s-%s-%s" % (label, fname, enc), key, fn(key), fid, msg, sg,
                            ("PASSED", enc), src, "signature of ossl-verify-%s-der, key %s as %s%s, %s signature"
                            % (label, key.name, fdesc, extra, enc.upper() if enc == "der" else "raw"))
    # SPKI carrying a compressed point, as PEM
    key, oid, fid, msg, sig, rs, src, what, shape = S["a"]
    spki_c_pem = pem("PUBLIC KEY", key.spki_c)
    assert spki_c_pem == ossl.run(["pkey", "-pubin", "-inform", "DER", "-in", ossl.tmp(key.spki_c, ".der"),
                                   "-pubout"]).stdout.decode(), "pem() differs from OpenSSL's PEM"
    verify_case("ossl-verify-a-spki-compressed-pem", key, spki_c_pem, fid, msg, sig, ("PASSED", "der"),
                src + "; key: openssl ec -pubin -conv_form compressed -pubout",
                "key as PEM SPKI whose BIT STRING holds the compressed point")

    # ---- negatives: BadSignature ------------------------------------------
    key, oid, fid, msg, sig, rs, src, what, shape = S["a"]
    r, s = rs
    flipped = Msg({"msg_hex": flip_last_bit(msg.data).hex()}, flip_last_bit(msg.data))
    for enc, sg in (("der", sig), ("raw", raw(rs))):
        E = enc.upper() if enc == "der" else "raw"
        verify_case("ossl-neg-msg-bitflip-" + enc, key, key.pub_pem, fid, flipped, sg,
                    ("FAILED", "BadSignature"), src,
                    "signature of ossl-verify-a-der (%s); message \"message digest\" with its last bit flipped" % E)
        verify_case("ossl-neg-msg-truncated-" + enc, key, key.pub_pem, fid, m_ascii("message diges"), sg,
                    ("FAILED", "BadSignature"), src,
                    "signature of ossl-verify-a-der (%s); message lost its last byte" % E)
        for which, (rr, ss) in (("r", (r ^ 1, s)), ("s", (r, s ^ 1))):
            sg2 = der_sig(rr, ss) if enc == "der" else raw((rr, ss))
            verify_case("ossl-neg-%s-bitflip-%s" % (which, enc), key, key.pub_pem, fid, msg, sg2,
                        ("FAILED", "BadSignature"), src,
                        "signature of ossl-verify-a-der with the lowest bit of %s flipped (%s, still well-formed)" % (which, E))
        verify_case("ossl-neg-wrong-id-" + enc, key, key.pub_pem, ALICE, msg, sg, ("FAILED", "BadSignature"), src,
                    "signed with the default ID 1234567812345678, verified with ID ALICE123@YAHOO.COM (%s)" % E)
        verify_case("ossl-neg-wrong-key-" + enc, k2, k2.pub_pem, fid, msg, sg, ("FAILED", "BadSignature"), src,
                    "signed by k1, verified with k2's public key (%s)" % E)
        verify_case("ossl-neg-swapped-rs-" + enc, key, key.pub_pem, fid, msg,
                    der_sig(s, r) if enc == "der" else raw((s, r)), ("FAILED", "BadSignature"), src,
                    "signature of ossl-verify-a-der with r and s swapped (%s)" % E)
        verify_case("ossl-neg-t-zero-" + enc, key, key.pub_pem, fid, msg,
                    der_sig(r, N - r) if enc == "der" else raw((r, N - r)), ("FAILED", "BadSignature"), src,
                    "s = n - r so that t = (r + s) mod n = 0 (GB/T 32918.2 step B5); r from ossl-verify-a-der (%s)" % E)
    ckey, coid, cfid, cmsg, csig, crs, csrc, _, _ = S["c"]
    verify_case("ossl-neg-id-absent", ckey, ckey.pub_pem, None, cmsg, csig, ("FAILED", "BadSignature"), csrc,
                "signed with ID ALICE123@YAHOO.COM, distid absent so the default ID applies")
    verify_case("ossl-neg-id-case", ckey, ckey.pub_pem, ALICE.lower(), cmsg, csig, ("FAILED", "BadSignature"), csrc,
                "signed with ID ALICE123@YAHOO.COM, verified with alice123@yahoo.com (the ID is bytes, not case-folded)")
    dkey, doid, dfid, dmsg, dsig, drs, dsrc, _, _ = S["d"]
    verify_case("ossl-neg-wrong-key-k2-by-k1", k1, k1.sec1_c.hex(), dfid, dmsg, dsig, ("FAILED", "BadSignature"), dsrc,
                "signed by k2, verified with k1's public key (compressed SEC1)")

    # r, s outside [1, n-1] (GB/T 32918.2 steps B1, B2)
    out_of_range = [
        ("r-zero", (0, s), "r = 0"),
        ("s-zero", (r, 0), "s = 0"),
        ("r-n", (N, s), "r = n"),
        ("s-n", (r, N), "s = n"),
        ("r-n-plus-1", (N + 1, s), "r = n + 1"),
        ("s-n-plus-1", (r, N + 1), "s = n + 1"),
        ("r-max", ((1 << 256) - 1, s), "r = 2^256 - 1"),
        ("s-max", (r, (1 << 256) - 1), "s = 2^256 - 1"),
        ("rs-zero", (0, 0), "r = s = 0"),
    ]
    for tag, (rr, ss), desc in out_of_range:
        other = "" if tag == "rs-zero" else ", the other value from ossl-verify-a-der"
        for enc in ("der", "raw"):
            sg = der_sig(rr, ss) if enc == "der" else raw((rr, ss))
            verify_case("ossl-neg-%s-%s" % (tag, enc), key, key.pub_pem, fid, msg, sg,
                        ("FAILED", "BadSignature"), src,
                        "%s%s; %s; outside [1, n-1], GB/T 32918.2 B1/B2"
                        % (desc, other, "well-formed DER" if enc == "der" else "raw r||s"))
    for tag, (rr, ss), desc in (("r-plus-n", (r + N, s), "r + n"), ("s-plus-n", (r, s + N), "s + n")):
        verify_case("ossl-neg-%s-der" % tag, key, key.pub_pem, fid, msg, der_sig(rr, ss),
                    ("FAILED", "BadSignature"), src,
                    "%s of ossl-verify-a-der, well-formed DER INTEGER wider than 256 bits; congruent to the good "
                    "value mod n, so a verifier that reduces mod n instead of range-checking would accept it; "
                    "outside [1, n-1], GB/T 32918.2 B1/B2" % desc)

    # ---- negatives: Malformed ---------------------------------------------
    def malformed(cid, base_label, sg, what):
        key, oid, fid, msg, _, _, src, _, _ = S[base_label]
        assert len(sg) != 64, cid + ": a 64-byte value would be read as raw"
        verify_case(cid, key, key.pub_pem, fid, msg, sg, ("FAILED", "Malformed"), src,
                    "from the signature of ossl-verify-%s-der: %s" % (base_label, what))

    body = sig[2:]
    assert sig[1] == len(body) < 0x80
    malformed("ossl-neg-der-truncated-1", "a", sig[:-1], "last byte removed")
    malformed("ossl-neg-der-truncated-half", "a", sig[:36], "only the first 36 bytes")
    malformed("ossl-neg-der-header-only", "a", sig[:2], "only the SEQUENCE tag and length")
    malformed("ossl-neg-der-trailing-00", "a", sig + b"\x00", "one 00 byte appended after the SEQUENCE")
    malformed("ossl-neg-der-trailing-0500", "a", sig + b"\x05\x00", "a DER NULL (05 00) appended after the SEQUENCE")
    malformed("ossl-neg-der-seq-long-form", "a", b"\x30\x81" + bytes([len(body)]) + body,
              "SEQUENCE length in long form 81 %02x where the short form is required" % len(body))
    malformed("ossl-neg-der-seq-len-plus-1", "a", b"\x30" + bytes([len(body) + 1]) + body,
              "SEQUENCE length one more than its content")
    malformed("ossl-neg-der-seq-len-minus-1", "a", b"\x30" + bytes([len(body) - 1]) + body,
              "SEQUENCE length one less than its content")
    malformed("ossl-neg-der-indefinite", "a", b"\x30\x80" + body + b"\x00\x00",
              "BER indefinite length (30 80 ... 00 00), not allowed in DER")
    malformed("ossl-neg-der-set-tag", "a", b"\x31" + sig[1:], "outer tag 31 (SET) instead of 30 (SEQUENCE)")
    malformed("ossl-neg-der-octet-string-r", "a", sig[:2] + b"\x04" + sig[3:],
              "r carried as OCTET STRING (tag 04) instead of INTEGER")
    malformed("ossl-neg-der-third-integer", "a", der_tlv(0x30, body + der_int(1)),
              "a third INTEGER (1) inside the SEQUENCE")
    malformed("ossl-neg-der-only-r", "a", der_tlv(0x30, der_int(r)), "SEQUENCE holding only r")
    malformed("ossl-neg-der-empty-integer", "a", der_tlv(0x30, b"\x02\x00" + der_int(s)),
              "r as an INTEGER with no content octets (02 00)")
    malformed("ossl-neg-der-empty-seq", "a", b"\x30\x00", "empty SEQUENCE")
    # r's INTEGER in long form
    r_tlv = der_int(r)
    malformed("ossl-neg-der-int-long-form", "a",
              der_tlv(0x30, b"\x02\x81" + bytes([len(r_tlv) - 2]) + r_tlv[2:] + der_int(s)),
              "r's INTEGER length in long form 81 %02x where the short form is required" % (len(r_tlv) - 2))
    # needless leading zero: base g has r, s < 2^255
    gr, gs = S["g"][5]
    malformed("ossl-neg-der-r-leading-zero", "g", der_tlv(0x30, der_tlv(0x02, b"\x00" + b32(gr)) + der_int(gs)),
              "r (top bit clear) with a needless leading 00 byte")
    malformed("ossl-neg-der-s-leading-zero", "g", der_tlv(0x30, der_int(gr) + der_tlv(0x02, b"\x00" + b32(gs))),
              "s (top bit clear) with a needless leading 00 byte")
    # negative INTEGER: base f has r, s >= 2^255; drop the 00 that keeps them positive
    fr, fs = S["f"][5]
    malformed("ossl-neg-der-r-negative", "f", der_tlv(0x30, der_tlv(0x02, b32(fr)) + der_int(fs)),
              "r's leading 00 removed, so the INTEGER reads as negative")
    malformed("ossl-neg-der-s-negative", "f", der_tlv(0x30, der_int(fr) + der_tlv(0x02, b32(fs))),
              "s's leading 00 removed, so the INTEGER reads as negative")
    # short r (base h): padded to 32 bytes inside DER is a needless leading zero
    hr, hs = S["h"][5]
    malformed("ossl-neg-der-short-r-padded", "h", der_tlv(0x30, der_tlv(0x02, b32(hr)) + der_int(hs)),
              "r < 2^247 written as a 32-byte INTEGER (needless leading 00)")
    # raw of the wrong length, empty
    malformed("ossl-neg-raw-63", "a", raw(rs)[:63], "raw r||s with the last byte removed (63 bytes)")
    malformed("ossl-neg-raw-65", "a", raw(rs) + b"\x00", "raw r||s with a 00 byte appended (65 bytes)")
    malformed("ossl-neg-raw-65-leading-00", "a", b"\x00" + raw(rs), "raw r||s with a 00 byte prepended (65 bytes)")
    malformed("ossl-neg-raw-32", "a", b32(r), "only r (32 bytes)")
    malformed("ossl-neg-empty", "a", b"", "empty signature")

    # No sm2_verify case with an undecodable key: core/src/vectors.rs parses the key before it
    # verifies and fails the case when that parse fails; key decoding errors are sm2_key cases.

    def ossl_sign_hangs(sec1):
        """OpenSSL 3.0 loops forever signing with d = n - 1; record that it does not finish."""
        pem_text = ossl.run(["pkey", "-inform", "DER", "-in", ossl.tmp(sec1, ".der")]).stdout
        try:
            ossl.sign(ossl.tmp(pem_text, ".pem"), DEFAULT_ID, b"abc", timeout=3)
        except subprocess.TimeoutExpired:
            return "; %s pkeyutl -sign with this key had not returned after 3 s (killed)" % V
        return "; %s pkeyutl -sign with this key returns" % V

    # ---- sm2_key ---------------------------------------------------------
    def key_ok(cid, field, text, pub, src, note):
        out.add({"id": cid, "op": "sm2_key", field: text, "expect": "ok",
                 "pub_x_hex": b32(pub[0]).hex(), "pub_y_hex": b32(pub[1]).hex(), "source": src, "note": note})

    def key_err(cid, field, text, src, note):
        out.add({"id": cid, "op": "sm2_key", field: text, "expect": "error", "source": src, "note": note})

    for k in (k1, k2, k3):
        s_ = src_key(k)
        pubsrc = "; public point from openssl pkey -pubout -outform DER, checked against openssl ec -text and d*G"
        key_ok("ossl-key-%s-priv-pkcs8-pem" % k.name, "private_key", k.pem, k.pub, s_ + pubsrc,
               "private key as PEM PKCS#8 (the genpkey output)")
        key_ok("ossl-key-%s-priv-pkcs8-der" % k.name, "private_key", k.p8.hex(), k.pub,
               s_ + "; openssl pkcs8 -topk8 -nocrypt -outform DER" + pubsrc,
               "private key as PKCS#8 DER hex (AlgorithmIdentifier id-ecPublicKey + 1.2.156.10197.1.301; the inner ECPrivateKey has no [0] parameters, has [1] publicKey)")
        key_ok("ossl-key-%s-priv-sec1-der" % k.name, "private_key", k.sec1.hex(), k.pub,
               s_ + "; openssl ec -outform DER" + pubsrc,
               "private key as SEC1 ECPrivateKey DER hex with [0] parameters = OID 1.2.156.10197.1.301 and [1] publicKey")
        key_ok("ossl-key-%s-priv-sec1-der-nopub" % k.name, "private_key", k.sec1_nopub.hex(), k.pub,
               s_ + "; openssl ec -no_public -outform DER" + pubsrc,
               "SEC1 ECPrivateKey DER without the optional [1] publicKey: the point must be derived")
        key_ok("ossl-key-%s-priv-raw" % k.name, "private_key", b32(k.d).hex(), k.pub, s_ + pubsrc,
               "private key as the raw 32-byte scalar d%s" % (" (d < 2^248: leading zero byte)" if k.d >> 248 == 0 else ""))
        key_ok("ossl-key-%s-pub-pem" % k.name, "key", k.pub_pem, k.pub, s_ + "; openssl pkey -pubout",
               "public key as PEM SPKI")
        key_ok("ossl-key-%s-pub-spki-der" % k.name, "key", k.spki.hex(), k.pub, s_ + "; openssl pkey -pubout -outform DER",
               "public key as SPKI DER hex")
        key_ok("ossl-key-%s-pub-sec1-u" % k.name, "key", k.sec1_u.hex(), k.pub, s_, "SEC1 uncompressed point hex")
        key_ok("ossl-key-%s-pub-sec1-c" % k.name, "key", k.sec1_c.hex(), k.pub,
               s_ + "; openssl ec -pubin -conv_form compressed",
               "SEC1 compressed point hex, prefix %02x" % k.sec1_c[0])
        key_ok("ossl-key-%s-pub-xy" % k.name, "key", k.xy.hex(), k.pub, s_, "raw x||y hex (64 bytes)")
    key_ok("ossl-key-k1-pub-spki-compressed-pem", "key", spki_c_pem, k1.pub,
           src_key(k1) + "; openssl ec -pubin -conv_form compressed -pubout",
           "PEM SPKI whose BIT STRING holds the compressed point (allowed by RFC 5480)")

    # special scalars: 1 and n - 2 (the largest GB/T 32918.1 allows); public point from OpenSSL
    for cid, d, what in (("ossl-key-priv-scalar-1", 1, "d = 1: the public key is G"),
                         ("ossl-key-priv-scalar-n-minus-2", N - 2,
                          "d = n - 2, the largest private key GB/T 32918.1 clause 6.1 allows (d in [1, n-2])")):
        sec1 = bytes.fromhex("30310201010420") + b32(d) + bytes.fromhex("a00a") + SM2_OID_DER
        pub = ossl.pub_from_private_der(sec1)
        assert pub == ec_mul(d, G)
        ok, msg_ = ossl.check_private_der(sec1)
        assert ok, msg_
        key_ok(cid, "private_key", b32(d).hex(), pub,
               "%s: openssl pkey -pubout on the SEC1 DER of this scalar (pkey -check: valid); equals d*G" % V, what)

    # error cases: public keys
    def not_on_curve_note(spki):
        loaded, _ = ossl.load_public(spki, "DER")
        assert not loaded
        return "%s refuses the point inside an SPKI" % V

    def point_in_spki(pt):
        """k1's SPKI header around an arbitrary SEC1 point encoding."""
        bits = der_tlv(0x03, b"\x00" + pt)
        return der_tlv(0x30, k1.spki[2:2 + 0x15] + bits)

    assert point_in_spki(k1.sec1_u) == k1.spki

    def ossl_point_note(pt, must_refuse=True):
        loaded, _ = ossl.load_public(point_in_spki(pt), "DER")
        assert not (must_refuse and loaded)
        return "%s %s the same bytes inside an SPKI" % (V, "loads" if loaded else "refuses")

    x1, y1 = k1.pub
    bad = b"\x04" + b32(x1) + b32((y1 + 1) % P)
    key_err("ossl-key-err-sec1-not-on-curve", "key", bad.hex(), src_key(k1),
            "k1's point with y + 1: not on the curve; " + not_on_curve_note(k1.spki[:-65] + bad))
    key_err("ossl-key-err-xy-not-on-curve", "key", bad[1:].hex(), src_key(k1),
            "raw x||y of k1 with y + 1: not on the curve; " + not_on_curve_note(k1.spki[:-65] + bad))
    spki_bad = k1.spki[:-65] + bad
    key_err("ossl-key-err-spki-not-on-curve", "key", spki_bad.hex(), src_key(k1),
            "k1's SPKI DER with y + 1 in the point: not on the curve; " + not_on_curve_note(spki_bad))
    key_err("ossl-key-err-spki-not-on-curve-pem", "key",
            pem("PUBLIC KEY", spki_bad),
            src_key(k1), "PEM of ossl-key-err-spki-not-on-curve; " + not_on_curve_note(spki_bad))
    # x with no y on the curve
    xn = x1
    while True:
        xn = (xn + 1) % P
        rhs = (xn ** 3 + A * xn + B) % P
        if pow(rhs, (P - 1) // 2, P) == P - 1:
            break
    cbad = b"\x02" + b32(xn)
    key_err("ossl-key-err-compressed-no-sqrt", "key", cbad.hex(), "computed by gen/sm2vec.py",
            "compressed point whose x has no y on the curve (x^3 + ax + b is not a square mod p); "
            + not_on_curve_note(k1.spki_c[:-33] + cbad))
    key_err("ossl-key-err-compressed-prefix-05", "key", (b"\x05" + k1.sec1_c[1:]).hex(), src_key(k1),
            "k1's compressed point with prefix 05 (only 02 and 03 are compressed prefixes); "
            + ossl_point_note(b"\x05" + k1.sec1_c[1:]))
    hybrid = bytes([6 + (k1.pub[1] & 1)]) + k1.xy
    key_err("ossl-key-err-hybrid", "key", hybrid.hex(), src_key(k1),
            "k1's point in the X9.62 hybrid form (prefix %02x = 06 + parity of y): not one of the README's formats; "
            "%s" % (hybrid[0], ossl_point_note(hybrid, must_refuse=False)))
    # a point (x0, y0) with small x0, written with x0 + p (< 2^256) in place of x0
    x0 = 1
    while pow((x0 ** 3 + A * x0 + B) % P, (P - 1) // 2, P) != 1:
        x0 += 1
    y0 = pow((x0 ** 3 + A * x0 + B) % P, (P + 1) // 4, P)
    assert on_curve((x0, y0)) and x0 + P < 1 << 256
    key_err("ossl-key-err-x-plus-p", "key", (b"\x04" + b32(x0 + P) + b32(y0)).hex(), "computed by gen/sm2vec.py",
            "uncompressed point (x0 + p, y0) where (x0, y0), x0 = %d, is on the curve: x is not reduced mod p, "
            "so a decoder that reduces instead of range-checking would accept it; " % x0
            + ossl_point_note(b"\x04" + b32(x0 + P) + b32(y0)))
    key_err("ossl-key-err-infinity", "key", "00", "SEC1 2.3.3",
            "SEC1 encoding of the point at infinity (single 00 byte); " + ossl_point_note(b"\x00"))
    key_err("ossl-key-err-xy-63", "key", k1.xy[:63].hex(), src_key(k1), "k1's x||y without its last byte (63 bytes)")
    key_err("ossl-key-err-xy-66", "key", (k1.xy + b"\x00\x00").hex(), src_key(k1), "k1's x||y with 00 00 appended (66 bytes)")
    key_err("ossl-key-err-uncompressed-64", "key", k1.sec1_u[:64].hex(), src_key(k1),
            "k1's uncompressed point without its last byte (64 bytes starting 04 -- as raw x||y it is not on the curve); "
            + ossl_point_note(k1.sec1_u[:64]))
    assert not on_curve((int.from_bytes(k1.sec1_u[:32], "big"), int.from_bytes(k1.sec1_u[32:64], "big")))
    key_err("ossl-key-err-empty", "key", "", "by hand", "empty key")
    key_err("ossl-key-err-garbage-pem", "key",
            "-----BEGIN PUBLIC KEY-----\nthis is not base64 @@@\n-----END PUBLIC KEY-----\n", "by hand",
            "PEM armour around text that is not base64")
    key_err("ossl-key-err-pem-not-a-key", "key",
            pem("PUBLIC KEY", b"not a key, just some bytes"), "by hand", "PEM armour around valid base64 of bytes that are not DER")
    key_err("ossl-key-err-pem-truncated", "key",
            pem("PUBLIC KEY", k1.spki[:-10]),
            src_key(k1), "k1's SPKI with its last 10 bytes cut, as PEM")
    key_err("ossl-key-err-spki-trailing", "key", (k1.spki + b"\x00").hex(), src_key(k1),
            "k1's SPKI DER with a 00 byte after the SEQUENCE")
    p_loaded, p_text = ossl.load_public(p256.pub_pem.encode(), "PEM")
    assert p_loaded and "prime256v1" in p_text
    key_err("ossl-key-err-p256-pem", "key", p256.pub_pem,
            "%s: openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 (gen/keys/p256.pem)" % V,
            "a NIST P-256 public key (PEM SPKI, curve OID 1.2.840.10045.3.1.7): a valid key, but not SM2; OpenSSL loads it as P-256")
    key_err("ossl-key-err-p256-spki-der", "key", p256.spki.hex(),
            "%s: gen/keys/p256.pem, openssl pkey -pubout -outform DER" % V, "P-256 SPKI DER hex: not an SM2 key")
    # SM2 curve OID but with the P-256 point: the point is not on the SM2 curve
    p256_pt = p256.spki[-65:]
    mixed = k1.spki[:-65] + p256_pt
    key_err("ossl-key-err-sm2-oid-p256-point", "key", mixed.hex(),
            "%s: gen/keys/p256.pem's point inside k1's SPKI header" % V,
            "SPKI naming the SM2 curve but carrying a P-256 point; " + not_on_curve_note(mixed))

    # error cases: private keys
    key_err("ossl-key-err-p256-priv-pem", "private_key", p256.pem,
            "%s: gen/keys/p256.pem" % V, "a P-256 private key as PEM PKCS#8: not SM2")
    key_err("ossl-key-err-p256-priv-pkcs8-der", "private_key", p256.p8.hex(),
            "%s: gen/keys/p256.pem, openssl pkcs8 -topk8 -nocrypt -outform DER" % V, "P-256 PKCS#8 DER: not SM2")
    key_err("ossl-key-err-p256-priv-sec1-der", "private_key", p256.sec1.hex(),
            "%s: gen/keys/p256.pem, openssl ec -outform DER" % V, "P-256 SEC1 DER (OID 1.2.840.10045.3.1.7): not SM2")
    for cid, d, what in (("ossl-key-err-priv-zero", 0, "d = 0"),
                         ("ossl-key-err-priv-n", N, "d = n"),
                         ("ossl-key-err-priv-n-minus-1", N - 1,
                          "d = n - 1: outside [1, n-2] (GB/T 32918.1 clause 6.1); 1 + d = n has no inverse mod n, so it cannot sign"),
                         ("ossl-key-err-priv-max", (1 << 256) - 1, "d = 2^256 - 1 (above n)")):
        sec1 = bytes.fromhex("30310201010420") + b32(d) + bytes.fromhex("a00a") + SM2_OID_DER
        ok, why = ossl.check_private_der(sec1)
        assert not ok
        key_err(cid, "private_key", b32(d).hex(), "GB/T 32918.1 clause 6.1 (d in [1, n-2])",
                "%s; %s pkey -check on its SEC1 DER says the key is invalid (%s)%s"
                % (what, V, why.split(":", 2)[-1], ossl_sign_hangs(sec1) if d == N - 1 else ""))
        if d == N - 1:
            key_err(cid + "-sec1", "private_key", sec1.hex(), "GB/T 32918.1 clause 6.1 (d in [1, n-2])",
                    "the scalar of ossl-key-err-priv-n-minus-1 as SEC1 DER (no public key); " + V +
                    " loads it but pkey -check says invalid")
    key_err("ossl-key-err-priv-31-bytes", "private_key", b32(k1.d)[1:].hex(), src_key(k1),
            "k1's scalar without its first byte: 31 bytes, not the 32 the README names")
    key_err("ossl-key-err-priv-33-bytes", "private_key", (b"\x00" + b32(k1.d)).hex(), src_key(k1),
            "k1's scalar with a 00 byte in front: 33 bytes")
    key_err("ossl-key-err-priv-garbage-pem", "private_key",
            "-----BEGIN PRIVATE KEY-----\nthis is not base64 @@@\n-----END PRIVATE KEY-----\n", "by hand",
            "PEM armour around text that is not base64")
    key_err("ossl-key-err-priv-pkcs8-truncated", "private_key", k1.p8[:-1].hex(), src_key(k1),
            "k1's PKCS#8 DER without its last byte")

    # ---- sm2_sign ----------------------------------------------------------
    def sign_case(cid, k, field_fmt, distid, msg, enc, with_key, note):
        text = {"pem": k.pem, "pkcs8": k.p8.hex(), "sec1": k.sec1.hex(), "sec1-nopub": k.sec1_nopub.hex(),
                "raw": b32(k.d).hex()}[field_fmt]
        c = {"id": cid, "op": "sm2_sign", "private_key": text, "distid": distid}
        c.update(msg.fields)
        c["encoding"] = enc
        if with_key:
            c["key"] = with_key
        c["source"] = src_key(k)
        c["note"] = note
        out.add(c)

    sign_case("ossl-sign-k1-pem-der", k1, "pem", DEFAULT_ID, M_MD, "der", None, "PEM PKCS#8, default ID, DER")
    sign_case("ossl-sign-k1-pem-raw", k1, "pem", DEFAULT_ID, M_MD, "raw", k1.pub_pem, "PEM PKCS#8, raw r||s, public key given as PEM")
    sign_case("ossl-sign-k1-pkcs8-der-empty", k1, "pkcs8", DEFAULT_ID, M_EMPTY_HEX, "der", None, "PKCS#8 DER, empty message")
    sign_case("ossl-sign-k2-sec1-raw-alice", k2, "sec1", ALICE, M_ABC, "raw", k2.sec1_c.hex(),
              "SEC1 DER, ID ALICE123@YAHOO.COM, public key given as compressed point")
    sign_case("ossl-sign-k2-sec1-nopub-der", k2, "sec1-nopub", DEFAULT_ID, M_1000, "der", None,
              "SEC1 DER without public key, 1000-byte message")
    sign_case("ossl-sign-k3-raw-der-utf8", k3, "raw", UTF8_ID, M_UTF8, "der", k3.xy.hex(),
              "raw scalar, UTF-8 ID and message, public key given as x||y")
    sign_case("ossl-sign-k3-raw-raw-repeat", k3, "raw", DEFAULT_ID, M_A1000, "raw", None,
              "raw scalar, message \"a\" x 1000 via repeat")
    sign_case("ossl-sign-k1-pkcs8-raw-longid", k1, "pkcs8", LONG_ID, M_00, "raw", k1.spki.hex(),
              "PKCS#8 DER, 200-byte ID, public key given as SPKI DER hex")

    # ---- finish --------------------------------------------------------------
    for f in os.listdir(sigdir):
        if f.endswith(".der") and f not in used_sigs:
            os.remove(os.path.join(sigdir, f))
    out.write(a.out)
    counts = {}
    for c in out.cases:
        k = (c["op"], c.get("expect", "-"), c.get("reason", c.get("encoding", "")))
        counts[k] = counts.get(k, 0) + 1
    for k in sorted(counts):
        print("  %-12s %-7s %-13s %3d" % (k + (counts[k],)))
    print("sm2vec.py: %d cases" % len(out.cases))


if __name__ == "__main__":
    main()
