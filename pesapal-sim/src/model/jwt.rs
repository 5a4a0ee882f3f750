//! Bearer tokens as Pesapal issues them: JWTs signed with HS256, with the claims of a recorded
//! sandbox token (`evidence/sandbox-2024-03-18_token.json`): `…/claims/userdata` (a GUID), `uid`, `nbf`,
//! `iat`, `exp` (= `expiryDate`, to the second), `iss` and `aud`. Each simulator signs with its
//! own random key (HMAC-SHA256 from `ring`, already in the tree through rustls) and checks the
//! signature of every token it is shown; expiry and revocation are checked against its records.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use ring::hmac;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A token's claims, named as in Pesapal's tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Claims {
    /// `http://schemas.microsoft.com/ws/2008/06/identity/claims/userdata`: a GUID.
    #[serde(rename = "http://schemas.microsoft.com/ws/2008/06/identity/claims/userdata")]
    pub(crate) userdata: Uuid,
    /// The merchant (the consumer key).
    pub(crate) uid: String,
    pub(crate) nbf: i64,
    pub(crate) iat: i64,
    pub(crate) exp: i64,
    pub(crate) iss: String,
    pub(crate) aud: String,
}

/// Signs and checks tokens with a key of its own. `Debug` never shows the key.
pub(crate) struct Signer(hmac::Key);

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer([REDACTED])")
    }
}

impl Default for Signer {
    /// A fresh random 256-bit key.
    fn default() -> Self {
        let rng = ring::rand::SystemRandom::new();
        let key = hmac::Key::generate(hmac::HMAC_SHA256, &rng)
            .unwrap_or_else(|_| hmac::Key::new(hmac::HMAC_SHA256, Uuid::new_v4().as_bytes()));
        Signer(key)
    }
}

impl Signer {
    /// A signer whose key is `key` (a seeded simulator derives it from its seed).
    pub(crate) fn with_key(key: &[u8]) -> Signer {
        Signer(hmac::Key::new(hmac::HMAC_SHA256, key))
    }
}

const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

impl Signer {
    /// A signed token for `uid`, valid from `now` until `expires_at` (whole seconds), issued by
    /// and for `issuer`.
    /// `userdata` is the GUID Pesapal puts in its tokens (drawn by the caller, so that a seeded
    /// simulator draws the same ones).
    pub(crate) fn issue(
        &self,
        userdata: Uuid,
        uid: &str,
        issuer: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> String {
        let claims = Claims {
            userdata,
            uid: uid.to_owned(),
            nbf: now.timestamp(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            iss: issuer.to_owned(),
            aud: issuer.to_owned(),
        };
        let payload = serde_json::to_vec(&claims).unwrap_or_default();
        let signing_input = format!("{}.{}", URL_SAFE_NO_PAD.encode(HEADER), URL_SAFE_NO_PAD.encode(payload));
        let signature = hmac::sign(&self.0, signing_input.as_bytes());
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature.as_ref()))
    }

    /// The claims of a token this signer issued, or `None` for anything else (malformed, another
    /// key, another algorithm).
    pub(crate) fn verify(&self, token: &str) -> Option<Claims> {
        let (signing_input, signature) = token.rsplit_once('.')?;
        let (header, payload) = signing_input.split_once('.')?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        hmac::verify(&self.0, signing_input.as_bytes(), &signature).ok()?;
        let header: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
        if header.get("alg").and_then(|alg| alg.as_str()) != Some("HS256") {
            return None;
        }
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn tokens_verify_only_with_their_key_and_intact() {
        let now = Utc.with_ymd_and_hms(2024, 3, 18, 10, 0, 0).unwrap();
        let signer = Signer::default();
        let token = signer.issue(Uuid::new_v4(), "key", "http://127.0.0.1:1/", now, now + chrono::Duration::hours(1));
        let claims = signer.verify(&token).expect("its own token");
        assert_eq!((claims.exp - claims.nbf, claims.uid.as_str()), (3600, "key"));
        assert_eq!(Signer::default().verify(&token), None, "another simulator's key");
        let mut tampered = token.clone();
        tampered.insert(token.find('.').unwrap() + 2, 'x');
        assert_eq!(signer.verify(&tampered), None);
        assert_eq!(signer.verify("not.a.jwt"), None);
        let payload: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(token.split('.').nth(1).unwrap()).unwrap()).unwrap();
        let userdata = "http://schemas.microsoft.com/ws/2008/06/identity/claims/userdata";
        assert!(payload.get(userdata).is_some_and(|v| v.is_string()), "{payload}");
    }
}
