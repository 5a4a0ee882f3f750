//! The bearer tokens a simulator issued: each is a signed JWT ([`super::jwt`]) recorded with its
//! expiry and how often it was used, so that expiry and revocation
//! ([`crate::Faults::revoke_tokens_after`]) are checked against the simulator's own records.

use super::jwt::Signer;
use crate::error::TokenRefusal;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone)]
struct Issued {
    expires_at: DateTime<Utc>,
    uses: u64,
}

/// Issued tokens and the key they are signed with. `Debug` shows how many, never the tokens or
/// the key.
#[derive(Default)]
pub(crate) struct TokenRegistry {
    issued: HashMap<String, Issued>,
    signer: Signer,
    issued_count: u64,
    revoked_count: u64,
}

impl std::fmt::Debug for TokenRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} tokens [REDACTED]", self.issued.len())
    }
}

impl TokenRegistry {
    /// A registry whose tokens are signed with `key` (a seeded simulator derives it from its
    /// seed, so that the same seed signs the same tokens).
    pub(crate) fn with_key(key: &[u8]) -> TokenRegistry {
        TokenRegistry { signer: Signer::with_key(key), ..TokenRegistry::default() }
    }

    /// Issues a token (a signed JWT carrying `userdata`, for `uid`, by `issuer`) valid for
    /// `lifetime` from `now`, to the second: its `exp` is the `expiryDate` answered.
    pub(crate) fn issue(
        &mut self,
        userdata: Uuid,
        uid: &str,
        issuer: &str,
        now: DateTime<Utc>,
        lifetime: Duration,
    ) -> (String, DateTime<Utc>) {
        let whole_seconds = |at: DateTime<Utc>| DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at);
        let now = whole_seconds(now);
        let expires_at = whole_seconds(now + lifetime);
        let token = self.signer.issue(userdata, uid, issuer, now, expires_at);
        self.issued.insert(token.clone(), Issued { expires_at, uses: 0 });
        self.issued_count += 1;
        (token, expires_at)
    }

    /// Checks a bearer token and counts its use; a token used `revoke_after` times is revoked.
    pub(crate) fn use_token(
        &mut self,
        token: Option<&str>,
        now: DateTime<Utc>,
        revoke_after: Option<u64>,
    ) -> Result<(), TokenRefusal> {
        let token = token.ok_or(TokenRefusal::Missing)?;
        let claims = self.signer.verify(token).ok_or(TokenRefusal::Unknown)?;
        let record = self.issued.get_mut(token).ok_or(TokenRefusal::Unknown)?;
        if now.timestamp() >= claims.exp || now >= record.expires_at {
            return Err(TokenRefusal::Expired);
        }
        if revoke_after.is_some_and(|n| record.uses >= n) {
            self.issued.remove(token);
            self.revoked_count += 1;
            return Err(TokenRefusal::Revoked);
        }
        record.uses += 1;
        Ok(())
    }

    /// Tokens issued so far.
    pub(crate) fn issued(&self) -> u64 {
        self.issued_count
    }

    /// Tokens revoked so far.
    pub(crate) fn revoked(&self) -> u64 {
        self.revoked_count
    }
}
