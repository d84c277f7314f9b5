//! Password hashing with argon2id through a small pool of reusable work buffers.
//!
//! Each argon2id hash needs a 19 MiB work area. Allocating it per hash lets glibc keep the freed
//! blocks in its heaps (its mmap threshold grows after the first one), so a process that hashed a
//! handful of passwords stayed at ~150 MB resident. Reusing a fixed set of buffers bounds the
//! memory to `slots × 19 MiB` whatever the sign-in load, and bounds the CPU spent on hashing to
//! `slots` threads.

use crate::{AppError, AppResult};
use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

pub struct PasswordHashing {
    permits: Semaphore,
    buffers: Mutex<Vec<Vec<Block>>>,
}

fn params() -> Params {
    Params::default()
}

impl PasswordHashing {
    /// A pool of `slots` buffers, allocated on first use.
    pub fn new(slots: usize) -> Self {
        Self {
            permits: Semaphore::new(slots.max(1)),
            buffers: Mutex::new(Vec::new()),
        }
    }

    async fn with_buffer<T: Send + 'static>(
        self: &Arc<Self>,
        blocks: usize,
        work: impl FnOnce(&mut [Block]) -> T + Send + 'static,
    ) -> AppResult<T> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| AppError::Internal(format!("hashing pool closed: {e}")))?;
        let pooled = self.buffers.lock().ok().and_then(|mut b| b.pop());
        let mut buffer = match pooled {
            Some(b) if b.len() >= blocks => b,
            _ => vec![Block::default(); blocks],
        };
        let pool = Arc::clone(self);
        let (result, buffer) = tokio::task::spawn_blocking(move || {
            let slice = buffer.get_mut(..blocks).unwrap_or_default();
            let result = work(slice);
            (result, buffer)
        })
        .await
        .map_err(|e| AppError::Internal(format!("hashing task failed: {e}")))?;
        // Only buffers of the default size go back; an odd one from an old hash is dropped.
        if buffer.len() == params().block_count()
            && let Ok(mut b) = pool.buffers.lock()
        {
            b.push(buffer);
        }
        Ok(result)
    }

    /// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) for `password`.
    pub async fn hash(self: &Arc<Self>, password: String) -> AppResult<String> {
        let params = params();
        let blocks = params.block_count();
        let salt = crate::tokens::random_bytes(Salt::RECOMMENDED_LENGTH);
        self.with_buffer(blocks, move |memory| {
            let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
            let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
            argon
                .hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, memory)
                .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))?;
            let phc = PasswordHash {
                algorithm: Algorithm::Argon2id.ident(),
                version: Some(Version::V0x13.into()),
                params: ParamsString::try_from(&params)
                    .map_err(|e| AppError::Internal(format!("argon2 params: {e}")))?,
                salt: Some(Salt::new(&salt).map_err(|e| AppError::Internal(format!("salt: {e}")))?),
                hash: Some(
                    Output::new(&out).map_err(|e| AppError::Internal(format!("output: {e}")))?,
                ),
            };
            Ok(phc.to_string())
        })
        .await?
    }

    /// Whether `password` matches the PHC string. A malformed string never matches.
    pub async fn verify(self: &Arc<Self>, password: String, phc: String) -> AppResult<bool> {
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return Ok(false);
        };
        let (Ok(params), Some(salt), Some(expected)) =
            (Params::try_from(&parsed), parsed.salt, parsed.hash)
        else {
            return Ok(false);
        };
        let Ok(algorithm) = Algorithm::new(parsed.algorithm.as_str()) else {
            return Ok(false);
        };
        let version = parsed
            .version
            .and_then(|v| Version::try_from(v).ok())
            .unwrap_or_default();
        let blocks = params.block_count();
        self.with_buffer(blocks, move |memory| {
            let argon = Argon2::new(algorithm, version, params);
            let mut out = vec![0u8; expected.len()];
            if argon
                .hash_password_into_with_memory(
                    password.as_bytes(),
                    salt.as_ref(),
                    &mut out,
                    memory,
                )
                .is_err()
            {
                return false;
            }
            crate::tokens::constant_time_eq_bytes(&out, expected.as_bytes())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_interoperate_with_the_argon2_crate() {
        let pool = Arc::new(PasswordHashing::new(2));
        let phc = pool.hash("correct horse".into()).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(
            pool.verify("correct horse".into(), phc.clone())
                .await
                .unwrap()
        );
        assert!(!pool.verify("wrong".into(), phc.clone()).await.unwrap());
        // A hash made by the argon2 crate's own API verifies here, and ours verifies there.
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let theirs = Argon2::default().hash_password(b"pw").unwrap().to_string();
        assert!(pool.verify("pw".into(), theirs).await.unwrap());
        let parsed = PasswordHash::new(&phc).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse", &parsed)
                .is_ok()
        );
        assert!(!pool.verify("x".into(), "not a hash".into()).await.unwrap());
    }
}
