#!/usr/bin/env python3
"""Builds the SM2 certificate-chain vectors (test-vectors/x509/sm2-chains.jsonl).

Called by test-vectors/gen/gen-x509.sh; python3 standard library only. Every key,
certificate and CRL is made by OpenSSL 3 (`genpkey`, `req`, `ca`) and kept under
test-vectors/x509/sm2/; a file is made only when it is missing, so a re-run gives
the same vectors. `--force` deletes test-vectors/x509/sm2/ first.

Every certificate and CRL is checked afterwards: the TBS bytes and the signature are
cut out of the DER here and handed to `openssl pkeyutl -verify` with the issuer's
public key, SM3 and the distinguishing ID. The run stops if a signature that should
verify does not, or if the deliberately damaged one does.
"""

import base64
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DISTID = "1234567812345678"
AT = "2027-06-01T00:00:00Z"
OID_SM2_SM3 = "1.2.156.10197.1.501"

HERE = Path(__file__).resolve().parent
VEC = HERE.parent.parent  # test-vectors/
OUT_DIR = VEC / "x509"
STORE = OUT_DIR / "sm2"
KEYS = STORE / "keys"
CERTS = STORE / "certs"
CRLS = STORE / "crls"
JSONL = OUT_DIR / "sm2-chains.jsonl"

OSSL_VERSION = subprocess.run(["openssl", "version"], check=True, capture_output=True,
                              text=True).stdout.strip()
SOURCE = f"{OSSL_VERSION}: genpkey/req/ca, test-vectors/gen/gen-x509.sh"


def die(msg):
    print(f"gen-x509: {msg}", file=sys.stderr)
    sys.exit(1)


def ossl(*args, ok=True):
    r = subprocess.run(["openssl", *map(str, args)], capture_output=True)
    if ok and r.returncode != 0:
        die("openssl " + " ".join(map(str, args)) + "\n" + r.stderr.decode(errors="replace"))
    return r


# ---------------------------------------------------------------- DER helpers

def der_tlv(buf, off):
    """(tag, header_len, content_len) of the TLV at off."""
    tag = buf[off]
    n = buf[off + 1]
    if n < 0x80:
        return tag, 2, n
    k = n & 0x7F
    return tag, 2 + k, int.from_bytes(buf[off + 2: off + 2 + k], "big")


def der_children(buf, off):
    tag, hl, cl = der_tlv(buf, off)
    p, end, out = off + hl, off + hl + cl, []
    while p < end:
        t, h, c = der_tlv(buf, p)
        out.append((p, t, h, c))
        p += h + c
    return out


def oid_text(b):
    first = b[0]
    parts = [str(min(first // 40, 2)), str(first - 40 * min(first // 40, 2))]
    v = 0
    for x in b[1:]:
        v = (v << 7) | (x & 0x7F)
        if not x & 0x80:
            parts.append(str(v))
            v = 0
    return ".".join(parts)


def split_signed(der):
    """TBS bytes, signature-algorithm OID (with a flag for absent parameters), signature DER."""
    kids = der_children(der, 0)
    if len(kids) != 3:
        die("signed object does not have three parts")
    (tp, _, th, tc), (ap, _, ah, ac), (sp, st, sh, sc) = kids
    alg = der_children(der, ap)
    oid = oid_text(der[alg[0][0] + alg[0][2]: alg[0][0] + alg[0][2] + alg[0][3]])
    if st != 0x03 or der[sp + sh] != 0:
        die("signature is not a BIT STRING with 0 unused bits")
    return der[tp: tp + th + tc], oid, len(alg) == 1, der[sp + sh + 1: sp + sh + sc]


def pem_to_der(pem):
    body = "".join(l for l in pem.strip().splitlines() if not l.startswith("-----"))
    return base64.b64decode(body)


def der_to_pem(der, label):
    b = base64.b64encode(der).decode()
    return f"-----BEGIN {label}-----\n" + "\n".join(b[i:i + 64] for i in range(0, len(b), 64)) \
        + f"\n-----END {label}-----\n"


# ------------------------------------------------------------------ material

def key(name):
    """Path of the SM2 private key NAME (made when missing) and of its public key."""
    k, p = KEYS / f"{name}.key.pem", KEYS / f"{name}.pub.pem"
    if not k.exists():
        ossl("genpkey", "-algorithm", "SM2", "-out", k)
    if not p.exists():
        ossl("pkey", "-in", k, "-pubout", "-out", p)
    return k


REQ_CNF = "[req]\ndistinguished_name=dn\nutf8=yes\nstring_mask=utf8only\n[dn]\n"


def ca_cnf(tmp, ext):
    s = f"""[ca]
default_ca=d
[d]
database={tmp}/index.txt
new_certs_dir={tmp}
serial={tmp}/serial
crlnumber={tmp}/crlnumber
policy=pol
unique_subject=no
email_in_dn=no
default_md=sm3
copy_extensions=none
string_mask=utf8only
utf8=yes
[pol]
commonName=supplied
[crlext]
authorityKeyIdentifier=keyid:always
"""
    if ext is not None:
        s += "[ext]\n" + ext
    return s


def serial_of(cid):
    h = bytearray(hashlib.sha256(("yinjian-x509-" + cid).encode()).digest()[:16])
    h[0] = (h[0] & 0x3F) | 0x10  # positive, 16 bytes, no leading zero
    return h.hex()


# name -> dict(path, key, issuer, subj, start, end, kind)
CERT = {}


def issue(cid, subj, keyname, issuer=None, ext="", start="250101000000Z",
          end="350101000000Z", intent="good"):
    """Certificate CID for key KEYNAME with subject SUBJ, signed by certificate ISSUER
    (None: self-signed). EXT is the extension section text; None makes a v1 certificate."""
    kpath = key(keyname)
    path = CERTS / f"{cid}.pem"
    if issuer is None:
        ikey = kpath
    else:
        ikey = KEYS / f"{CERT[issuer]['key']}.key.pem"
    CERT[cid] = dict(path=path, key=keyname, issuer=issuer, subj=subj, start=start, end=end,
                     intent=intent)
    if path.exists():
        return cid
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        (t / "index.txt").write_text("")
        (t / "index.txt.attr").write_text("unique_subject = no\n")
        (t / "serial").write_text(serial_of(cid).upper() + "\n")
        (t / "req.cnf").write_text(REQ_CNF)
        (t / "ca.cnf").write_text(ca_cnf(tmp, ext))
        ossl("req", "-new", "-config", t / "req.cnf", "-key", kpath, "-sm3",
             "-sigopt", f"distid:{DISTID}", "-utf8", "-subj", subj, "-out", t / "req.pem")
        args = ["ca", "-batch", "-config", t / "ca.cnf", "-in", t / "req.pem",
                "-out", t / "cert.pem", "-notext", "-md", "sm3",
                "-sigopt", f"distid:{DISTID}", "-vfyopt", f"distid:{DISTID}",
                "-startdate", start, "-enddate", end, "-preserveDN", "-utf8",
                "-keyfile", ikey]
        if ext is not None:
            args += ["-extensions", "ext"]
        if issuer is None:
            args += ["-selfsign"]
        else:
            args += ["-cert", CERT[issuer]["path"]]
        ossl(*args)
        # keep only the PEM block
        pem = (t / "cert.pem").read_text()
        pem = pem[pem.index("-----BEGIN CERTIFICATE-----"):]
        path.write_text(pem)
    return cid


def tampered(cid, src):
    """Copy of certificate SRC with the lowest bit of the signature's last byte flipped
    (the last byte of s; the DER stays well-formed)."""
    path = CERTS / f"{cid}.pem"
    CERT[cid] = dict(CERT[src], path=path, intent="bad")
    if not path.exists():
        der = bytearray(pem_to_der(CERT[src]["path"].read_text()))
        der[-1] ^= 0x01
        path.write_text(der_to_pem(bytes(der), "CERTIFICATE"))
    return cid


CRL = {}


def gen_crl(cid, issuer, revoked=(), last="270101000000Z", nxt="280101000000Z"):
    """CRL CID signed by certificate ISSUER listing certificates REVOKED."""
    path = CRLS / f"{cid}.pem"
    CRL[cid] = dict(path=path, issuer=issuer)
    if path.exists():
        return cid
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        lines = []
        for r in revoked:
            ser = ossl("x509", "-in", CERT[r]["path"], "-noout", "-serial").stdout.decode()
            ser = ser.strip().split("=", 1)[1]
            end = CERT[r]["end"]
            end = end[2:] if len(end) == 15 else end
            lines.append(f"R\t{end}\t261201000000Z,keyCompromise\t{ser}\tunknown\t/CN=x\n")
        (t / "index.txt").write_text("".join(lines))
        (t / "index.txt.attr").write_text("unique_subject = no\n")
        (t / "serial").write_text("01\n")
        (t / "crlnumber").write_text("01\n")
        (t / "ca.cnf").write_text(ca_cnf(tmp, None))
        ossl("ca", "-batch", "-gencrl", "-config", t / "ca.cnf",
             "-cert", CERT[issuer]["path"],
             "-keyfile", KEYS / f"{CERT[issuer]['key']}.key.pem",
             "-md", "sm3", "-sigopt", f"distid:{DISTID}",
             "-crl_lastupdate", last, "-crl_nextupdate", nxt,
             "-crlexts", "crlext", "-out", t / "crl.pem")
        pem = (t / "crl.pem").read_text()
        path.write_text(pem[pem.index("-----BEGIN X509 CRL-----"):])
    return cid


# ------------------------------------------------------------------ checking

CHECKED = []


def verify_sig(what, der, issuer_key, expect_ok):
    tbs, oid, no_params, sig = split_signed(der)
    if oid != OID_SM2_SM3 or not no_params:
        die(f"{what}: signature algorithm {oid} (parameters absent: {no_params})")
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        (t / "tbs.der").write_bytes(tbs)
        (t / "sig.der").write_bytes(sig)
        r = ossl("pkeyutl", "-verify", "-pubin", "-inkey", KEYS / f"{issuer_key}.pub.pem",
                 "-rawin", "-digest", "sm3", "-pkeyopt", f"distid:{DISTID}",
                 "-in", t / "tbs.der", "-sigfile", t / "sig.der", ok=False)
    good = r.returncode == 0 and b"Signature Verified Successfully" in r.stdout
    if good != expect_ok:
        die(f"{what}: signature {'verifies' if good else 'does not verify'}, "
            f"expected the opposite\n{r.stdout.decode()}{r.stderr.decode()}")
    CHECKED.append((what, good))


def check_all():
    for cid, c in CERT.items():
        der = pem_to_der(c["path"].read_text())
        ikey = c["key"] if c["issuer"] is None else CERT[c["issuer"]]["key"]
        verify_sig(f"cert {cid}", der, ikey, c["intent"] == "good")
        # key must be id-ecPublicKey with the SM2 curve OID
        txt = ossl("asn1parse", "-in", c["path"]).stdout.decode()
        if "id-ecPublicKey" not in txt or ":sm2" not in txt:
            die(f"cert {cid}: public key is not id-ecPublicKey/SM2")
    for cid, c in CRL.items():
        der = pem_to_der(c["path"].read_text())
        verify_sig(f"crl {cid}", der, CERT[c["issuer"]]["key"], True)
        # (`openssl crl -CAfile` cannot be used: it has no distid option and says
        # "verify failure" for every SM2 CRL.)


def openssl_verify_note(leaf, inter, anchors):
    """What `openssl verify -vfyopt distid:...` (OpenSSL 3.0) says; recorded only. The
    distid reaches only the check of the target certificate's own signature, so chains
    with an intermediate fail with error 7 even when correct."""
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        (t / "a.pem").write_text("".join(CERT[a]["path"].read_text() for a in anchors))
        (t / "u.pem").write_text("".join(CERT[i]["path"].read_text() for i in inter) or "")
        args = ["verify", "-attime", "1811808000", "-CAfile", t / "a.pem", "-partial_chain",
                "-vfyopt", f"distid:{DISTID}"]
        if inter:
            args += ["-untrusted", t / "u.pem"]
        r = ossl(*args, CERT[leaf]["path"], ok=False)
    out = (r.stdout + r.stderr).decode().strip().splitlines()
    errs = [l for l in out if l.startswith("error ")]
    return "OK" if r.returncode == 0 else (errs[0] if errs else out[-1] if out else "?")


# ------------------------------------------------------------------ profiles

def ext_ca(pathlen=None, ku="critical,keyCertSign,cRLSign", bc=True, ca=True, aki=True):
    s = ""
    if bc:
        s += "basicConstraints=critical,CA:" + ("TRUE" if ca else "FALSE")
        if pathlen is not None:
            s += f",pathlen:{pathlen}"
        s += "\n"
    if ku:
        s += f"keyUsage={ku}\n"
    s += "subjectKeyIdentifier=hash\n"
    if aki:
        s += "authorityKeyIdentifier=keyid:always\n"
    return s


def aki_der(keyname):
    """authorityKeyIdentifier as raw DER: keyid = SHA-1 of KEYNAME's subjectPublicKey."""
    spki = pem_to_der((KEYS / f"{keyname}.pub.pem").read_text())
    p, _, h, c = der_children(spki, 0)[1]
    kid = hashlib.sha1(spki[p + h + 1: p + h + c]).digest()
    return "DER:" + ":".join(f"{b:02x}" for b in bytes([0x30, 22, 0x80, 20]) + kid)


def ext_leaf(ku="critical,digitalSignature,nonRepudiation", eku=None, aki="keyid:always"):
    s = "basicConstraints=critical,CA:FALSE\n"
    s += f"keyUsage={ku}\n"
    if eku:
        s += f"extendedKeyUsage={eku}\n"
    s += f"subjectKeyIdentifier=hash\nauthorityKeyIdentifier={aki}\n"
    return s


ROOT_START, ROOT_END = "250101000000Z", "20510101000000Z"  # notAfter is a GeneralizedTime
LEAF_START, LEAF_END = "260101000000Z", "290101000000Z"


def root(cid, subj, keyname=None, **kw):
    return issue(cid, subj, keyname or cid, None, ext_ca(**kw), ROOT_START, ROOT_END)


def inter(cid, subj, issuer, keyname=None, start="250101000000Z", end="350101000000Z", **kw):
    return issue(cid, subj, keyname or cid, issuer, ext_ca(**kw), start, end)


def leaf(cid, subj, issuer, start=LEAF_START, end=LEAF_END, **kw):
    return issue(cid, subj, cid, issuer, ext_leaf(**kw), start, end)


# ------------------------------------------------------------------ the cases

CASES = []


def case(cid, note, leaf_id, inters, anchors, expect, reason=None, crls=(), usage="document-signing",
         revocation_required=False):
    CASES.append(dict(id="x509-sm2-" + cid, note=note, leaf=leaf_id, inters=list(inters),
                      anchors=list(anchors), crls=list(crls), usage=usage,
                      revocation_required=revocation_required, expect=expect, reason=reason))


def build():
    # -- main chain, Chinese names ------------------------------------------
    O_CA = "/C=CN/O=某省数字证书认证中心"
    R = root("root", f"{O_CA}/CN=某省根CA")
    I = inter("int", f"{O_CA}/OU=电子政务/CN=某省电子政务签名CA", R, pathlen=0)
    L = leaf("leaf", "/C=CN/ST=某省/L=某市/O=某市人民政府办公厅/CN=张三", I,
             eku="1.3.6.1.5.5.7.3.36")
    L_noeku = leaf("leaf-noeku", "/C=CN/O=某市人民政府办公厅/CN=李四", I)
    L_tls = leaf("leaf-serverauth", "/C=CN/O=某市人民政府办公厅/CN=www.example.gov.cn", I,
                 eku="serverAuth")
    L_kenc = leaf("leaf-keyencipherment", "/C=CN/O=某市人民政府办公厅/CN=王五", I,
                  ku="critical,keyEncipherment")
    L_seal = leaf("leaf-seal", "/C=CN/O=某市公安局/CN=某市公安局印章制作", I)

    # an unrelated CA, used as a distractor in pools
    OR = root("other-root", "/C=CN/O=Yinjian Test/CN=Other Root CA")
    OI = inter("other-int", "/C=CN/O=Yinjian Test/CN=Other Intermediate CA", OR)

    case("basic", "root -> intermediate -> leaf (EKU id-kp-documentSigning, RFC 9336); "
         "pool has unrelated certificates", L, [I, OR, OI], [R], "PASSED")
    case("basic-anchor-is-intermediate", "the intermediate itself is the trust anchor",
         L, [], [I], "PASSED")
    case("basic-two-anchors", "two anchors, the right one second", L, [I, OI], [OR, R], "PASSED")
    case("basic-noeku", "leaf without extendedKeyUsage, keyUsage digitalSignature+nonRepudiation",
         L_noeku, [I], [R], "PASSED")
    case("basic-noeku-seal", "leaf without extendedKeyUsage used for seal-making", L_seal, [I],
         [R], "PASSED", usage="seal-making")
    case("basic-noeku-token", "leaf without extendedKeyUsage used for token-signing", L_noeku,
         [I], [R], "PASSED", usage="token-signing")
    case("usage-serverauth-seal", "leaf EKU is serverAuth only: not a seal-making certificate",
         L_tls, [I], [R], "FAILED", "PolicyViolation", usage="seal-making")
    case("usage-serverauth-doc", "leaf EKU is serverAuth only: not a document-signing "
         "certificate", L_tls, [I], [R], "FAILED", "PolicyViolation")
    case("usage-serverauth-any", "leaf EKU serverAuth only, usage 'any' asks for no usage",
         L_tls, [I], [R], "PASSED", usage="any")
    case("usage-keyencipherment", "leaf keyUsage is keyEncipherment only (no digitalSignature, "
         "no nonRepudiation)", L_kenc, [I], [R], "FAILED", "PolicyViolation")

    # -- cross certification ----------------------------------------------------
    RA = root("xa-root", "/C=CN/O=甲认证中心/CN=甲根CA")
    RB = root("xb-root", "/C=CN/O=乙认证中心/CN=乙根CA")
    XAB = inter("xa-cross-b", CERT[RB]["subj"], RA, keyname=RB)   # A certifies B
    XBA = inter("xb-cross-a", CERT[RA]["subj"], RB, keyname=RA)   # B certifies A
    IB = inter("xb-int", "/C=CN/O=乙认证中心/CN=乙签名CA", RB)
    LB = leaf("xb-leaf", "/C=CN/O=乙单位/CN=乙用户", IB)
    IA = inter("xa-int", "/C=CN/O=甲认证中心/CN=甲签名CA", RA)
    LA = leaf("xa-leaf", "/C=CN/O=甲单位/CN=甲用户", IA)
    case("cross-a-trusts-b", "anchor A root only; B's leaf <- B int <- cross cert A->B; B's "
         "self-signed root in the pool is a dead end", LB, [IB, XAB, RB], [RA], "PASSED")
    case("cross-a-trusts-b-both-cross", "as cross-a-trusts-b with both cross certificates "
         "(a name loop A<->B) in the pool", LB, [IB, XAB, XBA, RB], [RA], "PASSED")
    case("cross-b-trusts-a", "anchor B root only; A's leaf <- A int <- cross cert B->A",
         LA, [IA, XBA, RA, XAB], [RB], "PASSED")
    case("cross-missing", "anchor A root only, pool lacks the cross certificate A->B",
         LB, [IB, RB, XBA], [RA], "INDETERMINATE", "UntrustedChain")

    RBR = root("br-root", "/C=CN/O=桥认证中心/CN=桥CA")
    RC = root("xc-root", "/C=CN/O=丙认证中心/CN=丙根CA")
    X_A_BR = inter("xa-cross-br", CERT[RBR]["subj"], RA, keyname=RBR)
    X_BR_A = inter("br-cross-a", CERT[RA]["subj"], RBR, keyname=RA)
    X_C_BR = inter("xc-cross-br", CERT[RBR]["subj"], RC, keyname=RBR)
    X_BR_C = inter("br-cross-c", CERT[RC]["subj"], RBR, keyname=RC)
    IC = inter("xc-int", "/C=CN/O=丙认证中心/CN=丙签名CA", RC)
    LC = leaf("xc-leaf", "/C=CN/O=丙单位/CN=丙用户", IC)
    case("bridge", "anchor A root only; C leaf <- C int <- Bridge->C <- A->Bridge; pool also "
         "holds the reverse cross certificates and the Bridge and C self-signed roots",
         LC, [X_A_BR, X_BR_A, X_C_BR, X_BR_C, RBR, RC, IC, RB, XAB], [RA], "PASSED")
    case("bridge-reverse", "anchor C root only; A leaf <- A int <- Bridge->A <- C->Bridge",
         LA, [X_A_BR, X_BR_A, X_C_BR, X_BR_C, RBR, RA, IA], [RC], "PASSED")

    # -- validity ----------------------------------------------------------------
    L_exp = leaf("leaf-expired", "/C=CN/O=某市人民政府办公厅/CN=过期用户", I,
                 start="250101000000Z", end="270101000000Z")
    case("expired-leaf", "leaf notAfter 2027-01-01, before 'at'", L_exp, [I], [R], "FAILED",
         "Expired")
    L_exp1 = leaf("leaf-expired-1s", "/C=CN/O=某市人民政府办公厅/CN=过期一秒", I,
                  start="250101000000Z", end="270531235959Z")
    case("expired-leaf-by-1s", "leaf notAfter 2027-05-31T23:59:59Z, one second before 'at'",
         L_exp1, [I], [R], "FAILED", "Expired")
    L_end_at = leaf("leaf-notafter-at", "/C=CN/O=某市人民政府办公厅/CN=末日用户", I,
                    start="250101000000Z", end="270601000000Z")
    case("leaf-notafter-equals-at", "leaf notAfter equals 'at' (validity is inclusive, RFC 5280 "
         "4.1.2.5)", L_end_at, [I], [R], "PASSED")
    L_start_at = leaf("leaf-notbefore-at", "/C=CN/O=某市人民政府办公厅/CN=首日用户", I,
                      start="270601000000Z", end="290101000000Z")
    case("leaf-notbefore-equals-at", "leaf notBefore equals 'at'", L_start_at, [I], [R],
         "PASSED")
    L_nyv1 = leaf("leaf-notyetvalid-1s", "/C=CN/O=某市人民政府办公厅/CN=早一秒", I,
                  start="270601000001Z", end="290101000000Z")
    case("notyetvalid-leaf-by-1s", "leaf notBefore one second after 'at'", L_nyv1, [I], [R],
         "FAILED", "NotYetValid")
    I_nyv = inter("int-notyetvalid", f"{O_CA}/CN=未生效CA", R, start="270701000000Z")
    L_nyv = leaf("leaf-under-nyv", "/C=CN/O=某单位/CN=未生效CA用户", I_nyv)
    case("notyetvalid-intermediate", "intermediate notBefore 2027-07-01, after 'at'",
         L_nyv, [I_nyv], [R], "FAILED", "NotYetValid")
    I_exp = inter("int-expired", f"{O_CA}/CN=已过期CA", R, start="240101000000Z",
                  end="270501000000Z")
    L_uexp = leaf("leaf-under-expired", "/C=CN/O=某单位/CN=过期CA用户", I_exp)
    case("expired-intermediate", "intermediate notAfter 2027-05-01, before 'at'",
         L_uexp, [I_exp], [R], "FAILED", "Expired")

    # -- CA constraints ------------------------------------------------------------
    I_nokcs = inter("int-no-keycertsign", f"{O_CA}/CN=无证书签名用途CA", R,
                    ku="critical,digitalSignature,cRLSign")
    L_nokcs = leaf("leaf-under-no-keycertsign", "/C=CN/O=某单位/CN=无签发权CA用户", I_nokcs)
    case("intermediate-without-keycertsign", "intermediate keyUsage digitalSignature,cRLSign "
         "(no keyCertSign)", L_nokcs, [I_nokcs], [R], "FAILED", "PolicyViolation")

    R_pl0 = root("root-pathlen0", f"{O_CA}/CN=路径长度零根CA", pathlen=0)
    I_pl = inter("int-under-pathlen0", f"{O_CA}/CN=路径长度零根下级CA", R_pl0)
    L_pl = leaf("leaf-under-pathlen0-int", "/C=CN/O=某单位/CN=路径超长用户", I_pl)
    L_pl_ok = leaf("leaf-under-pathlen0-root", "/C=CN/O=某单位/CN=根直签用户", R_pl0)
    case("pathlen-root-violated", "anchor root has pathLenConstraint 0 but an intermediate "
         "follows it (the anchor certificate's basicConstraints are enforced, as OpenSSL, Go "
         "and RFC 5937 do; plain RFC 5280 6.1 would not look at the anchor's extensions)",
         L_pl, [I_pl], [R_pl0], "FAILED", "PolicyViolation")
    case("pathlen-root-ok", "root with pathLenConstraint 0 issuing the leaf directly",
         L_pl_ok, [], [R_pl0], "PASSED")
    I_sub = inter("subint-under-pathlen0-int", f"{O_CA}/CN=三级CA", I)  # I has pathlen:0
    L_sub = leaf("leaf-under-subint", "/C=CN/O=某单位/CN=三级CA用户", I_sub)
    case("pathlen-intermediate-violated", "intermediate with pathLenConstraint 0 is followed "
         "by another CA (RFC 5280 6.1.4(l)/(m))", L_sub, [I_sub, I], [R], "FAILED",
         "PolicyViolation")
    I_pl1 = inter("int-pathlen1", f"{O_CA}/CN=路径长度一CA", R, pathlen=1)
    I_sub1 = inter("subint-under-pathlen1", f"{O_CA}/CN=路径长度一下级CA", I_pl1)
    L_sub1 = leaf("leaf-under-pathlen1", "/C=CN/O=某单位/CN=四级用户", I_sub1)
    case("pathlen-intermediate-ok", "root -> int (pathlen 1) -> int -> leaf", L_sub1,
         [I_sub1, I_pl1], [R], "PASSED")

    I_nca = inter("int-not-ca", f"{O_CA}/CN=非CA中间证书", R, ca=False,
                  ku="critical,digitalSignature,keyCertSign")
    L_nca = leaf("leaf-under-not-ca", "/C=CN/O=某单位/CN=非CA签发用户", I_nca)
    case("intermediate-not-ca", "intermediate has basicConstraints cA FALSE (keyUsage has "
         "keyCertSign)", L_nca, [I_nca], [R], "FAILED", "PolicyViolation")
    I_nobc = inter("int-no-basicconstraints", f"{O_CA}/CN=无基本约束中间证书", R, bc=False)
    L_nobc = leaf("leaf-under-no-basicconstraints", "/C=CN/O=某单位/CN=无基本约束签发用户",
                  I_nobc)
    case("intermediate-no-basicconstraints", "v3 intermediate without basicConstraints "
         "(keyUsage keyCertSign,cRLSign)", L_nobc, [I_nobc], [R], "FAILED", "PolicyViolation")

    # -- revocation ------------------------------------------------------------------
    L_rev = leaf("leaf-revoked", "/C=CN/O=某市人民政府办公厅/CN=已吊销用户", I)
    crl_int = gen_crl("int-crl", I, [L_rev])
    crl_root = gen_crl("root-crl", R, [])
    I_rev = inter("int-revoked", f"{O_CA}/CN=已吊销CA", R)
    L_uirev = leaf("leaf-under-revoked-int", "/C=CN/O=某单位/CN=吊销CA用户", I_rev)
    crl_root_rev = gen_crl("root-crl-revokes-int", R, [I_rev])
    crl_other = gen_crl("other-int-crl", OI, [])
    I_rev_crl = gen_crl("revoked-int-crl", I_rev, [])
    case("revoked-leaf", "leaf listed (keyCompromise, 2026-12-01) in the intermediate's CRL",
         L_rev, [I], [R], "FAILED", "Revoked", crls=[crl_int, crl_root])
    case("revoked-leaf-required", "as revoked-leaf with revocation_required", L_rev, [I], [R],
         "FAILED", "Revoked", crls=[crl_root, crl_int], revocation_required=True)
    case("not-revoked-crl-given", "leaf not listed; CRLs of the intermediate and of the root "
         "given; revocation_required", L, [I], [R], "PASSED", crls=[crl_int, crl_root],
         revocation_required=True)
    case("not-revoked-crl-given-optional", "leaf not listed; CRLs given, not required",
         L, [I], [R], "PASSED", crls=[crl_int, crl_root])
    case("revocation-unknown", "revocation_required and no CRL at all", L, [I], [R],
         "INDETERMINATE", "RevocationUnknown", revocation_required=True)
    case("revocation-unknown-wrong-issuer", "revocation_required; only an unrelated CA's CRL "
         "is given", L, [I], [R], "INDETERMINATE", "RevocationUnknown", crls=[crl_other],
         revocation_required=True)
    case("revocation-not-required", "no CRL, revocation not required", L, [I], [R], "PASSED")
    case("revoked-intermediate", "intermediate listed in the root's CRL", L_uirev, [I_rev],
         [R], "FAILED", "Revoked", crls=[crl_root_rev, I_rev_crl])

    # -- signatures --------------------------------------------------------------------
    L_bad = tampered("leaf-badsig", L)
    case("tampered-leaf-signature", "lowest bit of the leaf signature's s flipped (DER still "
         "well-formed)", L_bad, [I], [R], "FAILED", "BadSignature")
    I_bad = tampered("int-badsig", I)
    case("tampered-intermediate-signature", "lowest bit of the intermediate signature's s "
         "flipped", L_noeku, [I_bad], [R], "FAILED", "BadSignature")

    # -- no path -------------------------------------------------------------------------
    ROR = root("orphan-root", "/C=CN/O=孤儿认证中心/CN=孤儿根CA")
    IOR = inter("orphan-int", "/C=CN/O=孤儿认证中心/CN=孤儿签名CA", ROR)
    L_or = leaf("orphan-leaf", "/C=CN/O=某单位/CN=孤儿用户", IOR)
    case("untrusted-issuer-absent", "leaf's issuer is neither in the pool nor an anchor",
         L_or, [I, OI, OR], [R], "INDETERMINATE", "UntrustedChain")
    case("untrusted-other-root", "full chain present but it ends at a root that is not an "
         "anchor", L_or, [IOR, ROR], [R], "INDETERMINATE", "UntrustedChain")

    # P and Q certify each other; their self-signed "seed" certificates only serve as
    # issuer certificates for `openssl ca` and appear in no case.
    P_seed = issue("loop-p-seed", "/C=CN/O=环认证中心/CN=环甲CA", "loop-p", None, ext_ca())
    Q_seed = issue("loop-q-seed", "/C=CN/O=环认证中心/CN=环乙CA", "loop-q", None, ext_ca())
    P_by_Q = issue("loop-p-by-q", CERT[P_seed]["subj"], "loop-p", Q_seed, ext_ca())
    Q_by_P = issue("loop-q-by-p", CERT[Q_seed]["subj"], "loop-q", P_seed, ext_ca())
    L_loop = leaf("loop-leaf", "/C=CN/O=某单位/CN=环用户", P_by_Q)
    case("loop", "P and Q certify each other (P<-Q, Q<-P), neither reaches the anchor; "
         "the search must stop", L_loop, [P_by_Q, Q_by_P], [R], "INDETERMINATE",
         "UntrustedChain")

    # -- mesh ------------------------------------------------------------------------------
    # CAs m0..m9, anchor m0. The only route to m9 is m0 -> m2 -> m4 -> m6 -> m9. The
    # dead cluster D = {1,3,5,7,8} certifies itself completely, certifies m9 and some chain
    # CAs, and is certified by nobody outside D. Chain CAs also certify earlier chain CAs.
    M = {i: root(f"mesh-m{i}", f"/C=CN/O=网状测试/CN=网状CA{i}") for i in range(10)}
    chain = [(0, 2), (2, 4), (4, 6), (6, 9)]
    D = [1, 3, 5, 7, 8]
    edges = list(chain)
    edges += [(a, b) for a in D for b in D if a != b]
    edges += [(d, 9) for d in D]
    edges += [(2, 0), (4, 2), (6, 4), (4, 0), (6, 2), (6, 0)]
    edges += [(1, 2), (3, 4), (5, 6), (7, 6), (8, 4), (1, 0), (3, 2), (8, 6)]
    XM = {}
    for a, b in edges:
        XM[(a, b)] = inter(f"mesh-x{a}-{b}", CERT[M[b]]["subj"], M[a], keyname=f"mesh-m{b}")
    L_mesh = leaf("mesh-leaf", "/C=CN/O=网状测试单位/CN=网状用户", M[9])
    pool = list(XM.values()) + [M[i] for i in range(1, 10)]
    case("mesh-long-path", f"{len(pool)} certificates in the pool: 10 CAs, {len(XM)} cross "
         "certificates, 9 self-signed roots; the only path is leaf <- m9 <- m6 <- m4 <- m2 <- "
         "anchor m0", L_mesh, pool, [M[0]], "PASSED")
    pool_near = [c for c in pool if c != XM[(6, 9)]]
    case("mesh-no-path-near", "mesh without m6->m9: m9 is certified only by the dead cluster",
         L_mesh, pool_near, [M[0]], "INDETERMINATE", "UntrustedChain")
    pool_deep = [c for c in pool if c != XM[(2, 4)]]
    case("mesh-no-path-deep", "mesh without m2->m4: the break is three hops above the leaf",
         L_mesh, pool_deep, [M[0]], "INDETERMINATE", "UntrustedChain")

    # -- v1 -----------------------------------------------------------------------------------
    V = issue("v1-root", "/C=CN/O=旧系统认证中心/CN=V1根CA", "v1", None, None,
              ROOT_START, ROOT_END)
    V_by_R = issue("v1-int", CERT[V]["subj"], "v1", R, None)
    # The v1 issuer has no subjectKeyIdentifier, so OpenSSL cannot fill keyid and would
    # fall back to issuer name + serial (which names only one of V and V_by_R). Give the
    # keyid explicitly: SHA-1 of the issuer's subjectPublicKey (RFC 5280 4.2.1.2 (1)).
    L_v1 = leaf("v1-leaf", "/C=CN/O=旧系统单位/CN=V1用户", V, aki=aki_der("v1"))
    case("v1-anchor", "self-signed v1 root (no extensions) as the trust anchor", L_v1, [], [V],
         "PASSED")
    case("v1-intermediate", "the same name and key as a v1 certificate (no extensions) issued "
         "by the root, used as an intermediate: not a CA (RFC 5280 6.1.4(k))", L_v1, [V_by_R],
         [R], "FAILED", "PolicyViolation")



def node(cid):
    return CERT[cid]["subj"], CERT[cid]["key"]


def issuer_node(cid):
    c = CERT[cid]
    return node(cid) if c["issuer"] is None else node(c["issuer"])


def paths(c):
    """All paths leaf -> ... -> anchor through the pool, linking by issuer name and key
    (what the certificates say and which key signed them); no CA is passed twice. A
    design check of the cases, not a validator: it looks at no extension or date."""
    anchors = {node(a) for a in c["anchors"]}
    found = []

    def walk(cid, chain, seen):
        up = issuer_node(cid)
        if up in anchors:
            found.append(chain)
            return
        for p in c["inters"]:
            if node(p) == up and node(p) not in seen:
                walk(p, chain + [p], seen | {node(p)})
    walk(c["leaf"], [], {node(c["leaf"])})
    return found


def check_paths(c):
    ps = paths(c)
    if (c["reason"] == "UntrustedChain") != (not ps):
        die(f"{c['id']}: {len(ps)} name/key paths, expectation {c['expect']} {c['reason']}")
    if c["id"].startswith("x509-sm2-mesh-long") and (len(ps) != 1 or len(ps[0]) != 4):
        die(f"{c['id']}: mesh paths {ps}")
    if not ps:
        return "no path by name and key"
    short = min(ps, key=len)
    return (f"{len(ps)} path(s) by name and key (files under x509/sm2/); shortest: leaf <- "
            + " <- ".join([f"certs/{x}.pem" for x in short] + ["anchor"]))


def emit():
    lines = []
    seen = set()
    for c in CASES:
        if c["id"] in seen:
            die("duplicate id " + c["id"])
        seen.add(c["id"])
        pool = list(c["inters"])
        random.Random(c["id"]).shuffle(pool)
        pem = lambda cid: CERT[cid]["path"].read_text()
        note = c["note"] + ". " + check_paths(c)
        v = openssl_verify_note(c["leaf"], pool, c["anchors"])
        note += f". For the record only, not an oracle: openssl verify -partial_chain -vfyopt distid: {v}"
        rec = {
            "id": c["id"], "op": "x509_chain", "source": SOURCE, "note": note,
            "leaf": pem(c["leaf"]),
            "intermediates": [pem(x) for x in pool],
            "anchors": [pem(x) for x in c["anchors"]],
            "crls": [CRL[x]["path"].read_text() for x in c["crls"]],
            "at": AT, "usage": c["usage"], "revocation_required": c["revocation_required"],
            "expect": c["expect"],
        }
        if c["expect"] != "PASSED":
            rec["reason"] = c["reason"]
        lines.append(json.dumps(rec, ensure_ascii=False))
    JSONL.write_text("".join(l + "\n" for l in lines))
    for l in JSONL.read_text().splitlines():
        json.loads(l)
    return len(lines)


def main():
    if "--force" in sys.argv[1:] and STORE.exists():
        shutil.rmtree(STORE)
    for d in (KEYS, CERTS, CRLS):
        d.mkdir(parents=True, exist_ok=True)
    build()
    check_all()
    n = emit()
    good = sum(1 for _, g in CHECKED if g)
    print(f"gen-x509: {len(CERT)} certificates, {len(CRL)} CRLs; {good} signatures verified, "
          f"{len(CHECKED) - good} rejected as intended; {n} cases -> {JSONL.relative_to(VEC.parent)}")


if __name__ == "__main__":
    main()
