//! Random secrets and their keyed hashes.

use hmac::{Hmac, KeyInit, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::error::AppError;

/// `n` random bytes from the operating system's generator (via rand's thread RNG).
pub(crate) fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    rand::rng().fill_bytes(&mut buf);
    buf
}

/// A random secret, hex-encoded (`bytes` random bytes).
pub(crate) fn random_secret(bytes: usize) -> String {
    hex::encode(random_bytes(bytes))
}

/// HMAC-SHA256 of a secret under the server key, hex. What the database stores instead of the
/// secret itself.
pub(crate) fn keyed_hash(key: &[u8], secret: &str) -> Result<String, AppError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key)
        .map_err(|e| AppError::Internal(format!("HMAC key rejected: {e}")))?;
    mac.update(secret.as_bytes());
    Ok(hex::encode(mac.finalize().into_bytes()))
}

impl crate::App {
    /// A tag for `text` that only this server can make, bound to one session's secret (its CSRF
    /// token): the console uses it so that a message in a URL is shown only when the server put
    /// it there for that session.
    pub fn session_tag(&self, session_secret: &str, text: &str) -> String {
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.config().secret_key) {
            Ok(mac) => mac,
            // HMAC takes any key length; an empty tag matches nothing.
            Err(_) => return String::new(),
        };
        mac.update(session_secret.as_bytes());
        mac.update(b"\0");
        mac.update(text.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }
}

/// Compares two strings in time independent of where they differ.
pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    constant_time_eq_bytes(a.as_bytes(), b.as_bytes())
}

pub(crate) fn constant_time_eq_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_hex() {
        let a = random_secret(32);
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, random_secret(32));
    }

    #[test]
    fn keyed_hash_depends_on_key_and_secret() {
        let hash = |k: &[u8], s: &str| keyed_hash(k, s).unwrap();
        let h = hash(b"k1", "s");
        assert_eq!(h, hash(b"k1", "s"));
        assert_ne!(h, hash(b"k2", "s"));
        assert_ne!(h, hash(b"k1", "t"));
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
