//! `yinjian token`: verify, sign, inspect.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use yinjian::codec::{decode_text_or_binary, Decoded};
use yinjian::sm::sm2::PrivateKey;
use yinjian::x509;

use crate::io::{emit, open, read_file, read_limited, read_small};
use crate::options::OutputArgs;

#[derive(Subcommand)]
pub(crate) enum TokenCommand {
    /// Verify a token (given as text, a file, `@FILE`, or `-` for standard input).
    Verify {
        /// The compact token, a file holding it, `@FILE`, or `-` (standard input).
        token: String,
        /// JWKS (or single JWK) file with the issuer's keys.
        #[arg(long, num_args = 1..)]
        jwks: Vec<PathBuf>,
        /// Public keys or certificates (PEM), as `KID=FILE` or `FILE`.
        #[arg(long, num_args = 1..)]
        key: Vec<String>,
        /// Shared HMAC secret file, as `KID=FILE` (HS256/384/512 only when given).
        #[arg(long, num_args = 1..)]
        hmac_secret: Vec<String>,
        /// Allowed algorithms (default: SM2SM3 ES256 ES384 RS256 PS256 EdDSA).
        #[arg(long, num_args = 1..)]
        alg: Vec<String>,
        /// Accepted issuers (this or --any-iss is required).
        #[arg(long, num_args = 1.., required_unless_present = "any_iss")]
        iss: Vec<String>,
        /// Accept any issuer: iss is not checked, and the report says so.
        #[arg(long, conflicts_with = "iss")]
        any_iss: bool,
        /// This service's audience, or several names of it. Without --aud or --any-aud no
        /// audience is expected, and a token carrying aud is refused.
        #[arg(long, num_args = 1..)]
        aud: Vec<String>,
        /// Accept any audience: aud is not checked, and the report says so.
        #[arg(long, conflicts_with = "aud")]
        any_aud: bool,
        /// Require a subject.
        #[arg(long)]
        require_sub: bool,
        /// Accepted typ values.
        #[arg(long, num_args = 1..)]
        typ: Vec<String>,
        /// Clock skew tolerated, seconds.
        #[arg(long, default_value_t = 60)]
        leeway: i64,
        /// Trust anchors for tokens carrying an x5c chain.
        #[arg(long, num_args = 1..)]
        anchors: Vec<PathBuf>,
        /// For x5c chains: do not require revocation status.
        #[arg(long)]
        no_revocation: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Sign claims (a JSON object) into a compact token.
    Sign {
        /// Private key: SM2 in any form, or PKCS#8 PEM/DER for ECDSA/RSA/Ed25519.
        #[arg(long)]
        key: PathBuf,
        /// Algorithm (default SM2SM3; ES256, ES384, RS256…, PS256…, EdDSA).
        #[arg(long, default_value = "SM2SM3")]
        alg: String,
        /// Claims JSON file (`-` for standard input).
        #[arg(long)]
        claims: PathBuf,
        /// `kid` header.
        #[arg(long)]
        kid: Option<String>,
    },
    /// Decode a token without trusting it.
    Inspect {
        /// The compact token, a file holding it, `@FILE`, or `-` (standard input).
        token: String,
    },
}

/// Most bytes read for one token (the library refuses tokens over
/// `yinjian::token::MAX_TOKEN_SIZE` with a report; this bounds the read).
const MAX_TOKEN_INPUT: u64 = 1 << 20;

/// What to give in place of a token, for the error messages.
const TOKEN_FORMS: &str = "give the token itself, a file holding it, @FILE, or - for standard input";

/// The token an argument stands for: `-` reads standard input, `@FILE` a file, an existing
/// file its content; anything else is the token itself, unless it is not shaped like one (a
/// compact token has at least 3 dot-separated parts), which is an error saying so.
fn token_text(arg: &str) -> Result<String, String> {
    let from_file = |path: &Path| -> Result<String, String> {
        if !crate::io::is_stdin(path) && !path.exists() {
            return Err(format!("{}: file not found ({TOKEN_FORMS})", path.display()));
        }
        let bytes = read_limited(path, MAX_TOKEN_INPUT)?;
        let text = String::from_utf8(bytes).map_err(|_| format!("{}: not a token (not text)", path.display()))?;
        Ok(text.trim().to_owned())
    };
    if let Some(file) = arg.strip_prefix('@') {
        return from_file(Path::new(file));
    }
    let path = Path::new(arg);
    if arg == "-" || path.is_file() {
        return from_file(path);
    }
    let token = arg.trim();
    if token.split('.').count() < 3 {
        return Err(format!(
            "{arg:?}: no such file, and not a token (a compact token has 3 dot-separated parts); {TOKEN_FORMS}"
        ));
    }
    Ok(token.to_owned())
}

/// `KID=FILE` or `FILE`.
fn kid_file(arg: &str) -> (Option<String>, PathBuf) {
    match arg.split_once('=') {
        Some((kid, file)) if !kid.is_empty() => (Some(kid.to_owned()), PathBuf::from(file)),
        _ => (None, PathBuf::from(arg)),
    }
}

/// Runs a `token` subcommand.
pub(crate) fn run(command: TokenCommand) -> Result<ExitCode, String> {
    use yinjian::token::{self, Audience, Issuers, JwsAlgorithm, KeySet, SigningKey, TokenOptions};
    match command {
        TokenCommand::Verify {
            token,
            jwks,
            key,
            hmac_secret,
            alg,
            iss,
            any_iss,
            aud,
            any_aud,
            require_sub,
            typ,
            leeway,
            anchors,
            no_revocation,
            output,
        } => {
            let mut keys = KeySet::new();
            for file in &jwks {
                keys.add_jwks(&read_file(file)?)
                    .map_err(|e| format!("{}: {e}", file.display()))?;
            }
            for arg in &key {
                let (kid, file) = kid_file(arg);
                keys.add_public_key(&read_file(&file)?, kid)
                    .map_err(|e| format!("{}: {e}", file.display()))?;
            }
            for arg in &hmac_secret {
                let (kid, file) = kid_file(arg);
                keys.add_hmac_secret(kid, &read_small(&file)?)
                    .map_err(|e| e.to_string())?;
            }
            let algs: Vec<&str> = if alg.is_empty() {
                vec!["SM2SM3", "ES256", "ES384", "RS256", "PS256", "EdDSA"]
            } else {
                alg.iter().map(String::as_str).collect()
            };
            let issuers = if any_iss { Issuers::Any } else { Issuers::OneOf(iss) };
            let audience = match (any_aud, aud.is_empty()) {
                (true, _) => Audience::Any,
                (false, true) => Audience::Absent,
                (false, false) => Audience::OneOf(aud),
            };
            let mut opts =
                TokenOptions::new(output.validation_time()?, &algs, issuers, audience).map_err(|e| e.to_string())?;
            opts.require_sub = require_sub;
            opts.typ = typ;
            opts.leeway = leeway;
            if no_revocation {
                let mut chain = x509::ChainOptions::new(opts.at, x509::Usage::TokenSigning);
                chain.revocation = x509::RevocationPolicy::NotRequired;
                opts.chain = Some(chain);
            }
            let mut trust = x509::TrustStore::new();
            crate::options::add_anchors(&mut trust, &anchors)?;
            let trust = (!anchors.is_empty()).then_some(&trust);
            Ok(emit(
                &token::verify_token(&token_text(&token)?, &keys, trust, &opts),
                output.json,
            ))
        }
        TokenCommand::Sign { key, alg, claims, kid } => {
            let alg = JwsAlgorithm::from_name(&alg).ok_or_else(|| format!("unknown algorithm {alg:?}"))?;
            let bytes = read_small(&key)?;
            let pkcs8 = || -> Result<Vec<u8>, String> {
                match decode_text_or_binary(&bytes).map_err(|e| e.to_string())? {
                    Decoded::Pem { der, .. } | Decoded::Hex(der) | Decoded::Binary(der) => Ok(der),
                    other => Err(format!("{}: unexpected key form {other:?}", key.display())),
                }
            };
            let signing = match alg {
                JwsAlgorithm::Sm2Sm3 => SigningKey::Sm2(PrivateKey::parse(&bytes).map_err(|e| e.to_string())?),
                JwsAlgorithm::Es256 | JwsAlgorithm::Es384 => SigningKey::Ecdsa(alg, pkcs8()?),
                JwsAlgorithm::EdDsa => SigningKey::Ed25519(pkcs8()?),
                JwsAlgorithm::Hs256 | JwsAlgorithm::Hs384 | JwsAlgorithm::Hs512 => SigningKey::Hmac(alg, bytes.clone()),
                _ => SigningKey::Rsa(alg, pkcs8()?),
            };
            let mut text = String::new();
            open(&claims)?
                .take(1 << 20)
                .read_to_string(&mut text)
                .map_err(|e| e.to_string())?;
            let claims: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("claims: {e}"))?;
            let header = match kid {
                Some(kid) => serde_json::json!({ "typ": "JWT", "kid": kid }),
                None => serde_json::json!({ "typ": "JWT" }),
            };
            println!(
                "{}",
                token::sign_token(&claims, &header, &signing).map_err(|e| e.to_string())?
            );
            Ok(ExitCode::SUCCESS)
        }
        TokenCommand::Inspect { token } => {
            let token = token_text(&token)?;
            let decode = |part: &str| -> serde_json::Value {
                base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, part)
                    .ok()
                    .and_then(|b| serde_json::from_slice(&b).ok())
                    .unwrap_or(serde_json::Value::Null)
            };
            let parts: Vec<&str> = token.split('.').collect();
            let shown = serde_json::json!({
                "warning": "decoded without verification: nothing here is trusted",
                "header": parts.first().map(|p| decode(p)),
                "claims": parts.get(1).map(|p| decode(p)),
                "signature_bytes": parts.get(2).map(|p| p.len() * 3 / 4),
            });
            println!("{}", serde_json::to_string_pretty(&shown).map_err(|e| e.to_string())?);
            Ok(ExitCode::SUCCESS)
        }
    }
}
