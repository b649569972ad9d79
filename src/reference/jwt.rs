//! HS256 JSON Web Tokens for the embedded reference servers.
//!
//! The real OCARIoT gateway signs with RS256; an in-process server has no use for a key pair, and
//! clients only read the payload (`sub`) without verifying the signature, so HMAC-SHA256 with a
//! per-process random secret is enough and keeps the dependency set small.

use std::fmt;
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value, json};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// An HMAC-SHA256 signing key. Debug output never shows the secret.
#[derive(Clone)]
pub struct Key {
    mac: HmacSha256,
}

impl Key {
    /// A key from a 64-byte secret (one SHA-256 block, so no key hashing happens).
    pub fn from_secret(secret: [u8; 64]) -> Self {
        Key {
            mac: <HmacSha256 as KeyInit>::new(&secret.into()),
        }
    }

    /// A fresh random key.
    pub fn random() -> Self {
        let mut secret = [0u8; 64];
        rand::fill(&mut secret[..]);
        Self::from_secret(secret)
    }

    /// The key of this process: random, made once, shared by every server started here.
    pub fn process() -> &'static Key {
        static KEY: OnceLock<Key> = OnceLock::new();
        KEY.get_or_init(Key::random)
    }

    fn tag(&self, signing_input: &str) -> Vec<u8> {
        let mut mac = self.mac.clone();
        mac.update(signing_input.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    fn check(&self, signing_input: &str, signature: &[u8]) -> bool {
        let mut mac = self.mac.clone();
        mac.update(signing_input.as_bytes());
        mac.verify_slice(signature).is_ok()
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(HS256, ..)")
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    #[error("malformed token: {0}")]
    Malformed(&'static str),
    #[error("bad signature")]
    BadSignature,
    #[error("token expired")]
    Expired,
    #[error("wrong issuer")]
    WrongIssuer,
}

/// A token split into its parts; the signature is not checked yet.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    signing_input: String,
    signature: Vec<u8>,
}

/// Signs `claims` (normally a JSON object) with HS256.
pub fn sign(claims: &Value, key: &Key) -> String {
    let header = json!({"alg": "HS256", "typ": "JWT"});
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = URL_SAFE_NO_PAD.encode(key.tag(&signing_input));
    format!("{signing_input}.{signature}")
}

/// Splits and decodes a token without checking anything but its shape: three base64url parts, a
/// JSON object header with `alg: HS256`, a JSON object payload.
pub fn decode(token: &str) -> Result<Decoded, JwtError> {
    let malformed = JwtError::Malformed("a JWT has three dot-separated parts");
    let (signing_input, signature) = token.rsplit_once('.').ok_or(malformed.clone())?;
    let (header, payload) = signing_input.split_once('.').ok_or(malformed.clone())?;
    if payload.contains('.') {
        return Err(malformed);
    }
    let header = decode_object(header).ok_or(JwtError::Malformed("header is not a JSON object"))?;
    if header.get("alg").and_then(Value::as_str) != Some("HS256") {
        return Err(JwtError::Malformed("unsupported algorithm"));
    }
    let claims =
        decode_object(payload).ok_or(JwtError::Malformed("payload is not a JSON object"))?;
    let signature_bytes = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| JwtError::Malformed("signature is not base64url"))?;
    Ok(Decoded {
        header,
        claims,
        signing_input: signing_input.to_string(),
        signature: signature_bytes,
    })
}

fn decode_object(part: &str) -> Option<Map<String, Value>> {
    let bytes = URL_SAFE_NO_PAD.decode(part).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

impl Decoded {
    /// Checks the signature with `key`.
    pub fn check_signature(&self, key: &Key) -> Result<(), JwtError> {
        if key.check(&self.signing_input, &self.signature) {
            Ok(())
        } else {
            Err(JwtError::BadSignature)
        }
    }
}

/// Checks `exp` (required, seconds since the epoch; expired when `now >= exp`) and `iss`.
pub fn check_claims(claims: &Map<String, Value>, issuer: &str, now: u64) -> Result<(), JwtError> {
    let exp = claims
        .get("exp")
        .and_then(Value::as_f64)
        .ok_or(JwtError::Malformed("exp is missing or not a number"))?;
    // Precision loss is irrelevant at second resolution.
    #[allow(clippy::cast_precision_loss)]
    if now as f64 >= exp {
        return Err(JwtError::Expired);
    }
    if claims.get("iss").and_then(Value::as_str) != Some(issuer) {
        return Err(JwtError::WrongIssuer);
    }
    Ok(())
}

/// Full verification, in the order common JWT libraries use: shape, signature, expiry, issuer.
pub fn verify(
    token: &str,
    key: &Key,
    issuer: &str,
    now: u64,
) -> Result<Map<String, Value>, JwtError> {
    let decoded = decode(token)?;
    decoded.check_signature(key)?;
    check_claims(&decoded.claims, issuer, now)?;
    Ok(decoded.claims)
}

/// Seconds since the Unix epoch (0 if the clock is before it).
pub fn now() -> u64 {
    crate::clock::now_unix()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const NOW: u64 = 1_700_000_000;

    fn claims(iss: &str, exp: u64) -> Value {
        json!({"sub": "5a62be07de34500146d9c544", "iss": iss, "iat": NOW - 10, "exp": exp})
    }

    #[test]
    fn round_trip() {
        let key = Key::random();
        let token = sign(&claims("ocariot", NOW + 60), &key);
        let got = verify(&token, &key, "ocariot", NOW).expect("valid token");
        assert_eq!(got["sub"], "5a62be07de34500146d9c544");
        assert_eq!(got["exp"], NOW + 60);
    }

    #[test]
    fn header_and_payload_are_standard_base64url_json() {
        let key = Key::random();
        let token = sign(&claims("ocariot", NOW + 60), &key);
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).expect("b64")).expect("json");
        assert_eq!(header, json!({"alg": "HS256", "typ": "JWT"}));
        assert_eq!(URL_SAFE_NO_PAD.decode(parts[2]).expect("b64").len(), 32);
    }

    #[test]
    fn known_answer_matches_rfc_hs256() {
        // HMAC-SHA256 with a 64-byte zero-padded key equals HMAC with the short key.
        let mut secret = [0u8; 64];
        secret[..6].copy_from_slice(b"secret");
        let key = Key::from_secret(secret);
        let token = sign(&json!({"a": 1}), &key);
        // Computed independently with Python's hmac module (key b"secret").
        assert_eq!(
            token,
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhIjoxfQ.\
             57TF7smP9XDhIexBqPC-F1toZReYZLWb_YRU5tv0sxM"
        );
    }

    #[test]
    fn other_key_is_bad_signature() {
        let token = sign(&claims("ocariot", NOW + 60), &Key::random());
        assert_eq!(
            verify(&token, &Key::random(), "ocariot", NOW),
            Err(JwtError::BadSignature)
        );
    }

    #[test]
    fn tampered_payload_is_bad_signature() {
        let key = Key::random();
        let token = sign(&claims("ocariot", NOW + 60), &key);
        let parts: Vec<&str> = token.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(claims("ocariot", NOW + 999_999).to_string());
        let token = format!("{}.{}.{}", parts[0], forged, parts[2]);
        assert_eq!(
            verify(&token, &key, "ocariot", NOW),
            Err(JwtError::BadSignature)
        );
    }

    #[rstest]
    #[case::expired_exactly_now(NOW, "ocariot", JwtError::Expired)]
    #[case::expired_long_ago(NOW - 86_400, "ocariot", JwtError::Expired)]
    #[case::wrong_issuer(NOW + 60, "someone-else", JwtError::WrongIssuer)]
    fn claim_checks(#[case] exp: u64, #[case] iss: &str, #[case] want: JwtError) {
        let key = Key::random();
        let token = sign(&claims(iss, exp), &key);
        assert_eq!(verify(&token, &key, "ocariot", NOW), Err(want));
    }

    #[test]
    fn expiry_is_checked_before_issuer() {
        let key = Key::random();
        let token = sign(&claims("someone-else", NOW - 1), &key);
        assert_eq!(verify(&token, &key, "ocariot", NOW), Err(JwtError::Expired));
    }

    #[test]
    fn missing_exp_is_malformed() {
        let key = Key::random();
        let token = sign(&json!({"iss": "ocariot"}), &key);
        assert!(matches!(
            verify(&token, &key, "ocariot", NOW),
            Err(JwtError::Malformed(_))
        ));
    }

    #[rstest]
    #[case::empty("")]
    #[case::one_part("abc")]
    #[case::two_parts("abc.def")]
    #[case::four_parts("a.b.c.d")]
    #[case::garbage("!!!.???.***")]
    #[case::not_json("aGVsbG8.aGVsbG8.aGVsbG8")]
    #[case::alg_none("eyJhbGciOiJub25lIn0.eyJhIjoxfQ.")]
    #[case::payload_array("eyJhbGciOiJIUzI1NiJ9.WzFd.AAAA")]
    #[case::unicode("é.é.é")]
    fn malformed(#[case] token: &str) {
        assert!(matches!(
            verify(token, &Key::random(), "ocariot", NOW),
            Err(JwtError::Malformed(_))
        ));
    }

    #[test]
    fn process_key_is_stable() {
        let a = sign(&json!({"x": 1}), Key::process());
        let b = sign(&json!({"x": 1}), Key::process());
        assert_eq!(a, b);
        assert_eq!(format!("{:?}", Key::process()), "Key(HS256, ..)");
    }
}
