//! Argon2 with working memory the till allocates itself, so that it leaves no trace in the
//! app's memory once a hash is made.
//!
//! Why not the crate's own `hash_password`: it allocates its 19 MiB of blocks with a plain
//! `Vec`. glibc serves the first allocation that size from its own mapping, but when it is freed
//! glibc raises its mmap threshold to that size (up to 32 MiB), so every later one comes from a
//! heap arena and stays resident after it is freed: 20 MiB of the app's idle memory in demo
//! mode, which hashes three PINs at start (measured with `scripts/bench-app.sh`). A reservation
//! above glibc's largest threshold always gets a mapping of its own, returned to the system on
//! drop, and never moves the threshold; only the blocks Argon2 uses are ever written, so only
//! they are resident while it runs. With another allocator the reservation is only untouched
//! address space.
//!
//! The hashes are the crate's own, byte for byte (PHC strings with the same parameters; tested
//! against `PasswordHasher::hash_password`), so hashes made before this file existed verify.

use argon2::password_hash::{self, Output, ParamsString, Salt};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version};

/// Above glibc's `DEFAULT_MMAP_THRESHOLD_MAX` (32 MiB on 64-bit systems).
const RESERVE_BYTES: usize = 33 * 1024 * 1024;
const _: () = assert!(RESERVE_BYTES > 32 * 1024 * 1024);

/// Runs `f` over `blocks` zeroed Argon2 blocks in a reservation of at least [`RESERVE_BYTES`].
fn with_blocks<T>(blocks: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
    let mut memory: Vec<Block> = Vec::with_capacity(blocks.max(RESERVE_BYTES / Block::SIZE + 1));
    memory.resize(blocks, Block::default());
    f(&mut memory)
}

/// The raw Argon2 output of `pin` under `argon`'s parameters and `salt`.
fn output(
    argon: &Argon2<'_>,
    pin: &[u8],
    salt: Salt<'_>,
    len: usize,
) -> password_hash::Result<Output> {
    let mut salt_buf = [0u8; Salt::MAX_LENGTH];
    let salt = salt.decode_b64(&mut salt_buf)?;
    Output::init_with(len, |out| {
        with_blocks(argon.params().block_count(), |blocks| {
            argon.hash_password_into_with_memory(pin, salt, out, blocks)
        })
        .map_err(Into::into)
    })
}

/// What `PasswordHasher::hash_password` makes, with the till's memory.
pub(super) fn hash<'s>(
    argon: &Argon2<'_>,
    algorithm: Algorithm,
    version: Version,
    pin: &[u8],
    salt: Salt<'s>,
) -> password_hash::Result<PasswordHash<'s>> {
    let params = argon.params();
    let len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    Ok(PasswordHash {
        algorithm: algorithm.ident(),
        version: Some(version.into()),
        params: ParamsString::try_from(params)?,
        salt: Some(salt),
        hash: Some(output(argon, pin, salt, len)?),
    })
}

/// What `PasswordVerifier::verify_password` says (`Ok(false)`: another PIN), with the till's
/// memory: the algorithm, version and parameters are the stored hash's; the outputs are
/// compared in constant time (`Output`'s `PartialEq`).
pub(super) fn verify(
    pepper: &[u8],
    pin: &[u8],
    stored: &PasswordHash<'_>,
) -> password_hash::Result<bool> {
    let (Some(salt), Some(expected)) = (stored.salt, &stored.hash) else {
        return Ok(false);
    };
    let algorithm = Algorithm::try_from(stored.algorithm)?;
    let version = stored
        .version
        .map(Version::try_from)
        .transpose()?
        .unwrap_or_default();
    let params = Params::try_from(stored)?;
    let argon = Argon2::new_with_secret(pepper, algorithm, version, params)?;
    Ok(output(&argon, pin, salt, expected.len())? == *expected)
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::SaltString;
    use argon2::{KeyId, ParamsBuilder, PasswordHasher, PasswordVerifier};
    use chacha20poly1305::aead::OsRng;

    use super::*;

    fn argon(pepper: &[u8]) -> Argon2<'_> {
        let params = ParamsBuilder::new()
            .m_cost(1024)
            .t_cost(2)
            .p_cost(1)
            .keyid(KeyId::new(b"pp1").unwrap())
            .build()
            .unwrap();
        Argon2::new_with_secret(pepper, Algorithm::Argon2id, Version::V0x13, params).unwrap()
    }

    #[test]
    fn the_same_hash_as_the_crates_own() {
        let salt = SaltString::generate(&mut OsRng);
        let a = argon(b"pepper");
        let ours = hash(
            &a,
            Algorithm::Argon2id,
            Version::V0x13,
            b"1234",
            salt.as_salt(),
        )
        .unwrap();
        let theirs = a.hash_password(b"1234", &salt).unwrap();
        assert_eq!(ours.to_string(), theirs.to_string());
    }

    #[test]
    fn verifies_what_the_crate_made_and_the_other_way_round() {
        let salt = SaltString::generate(&mut OsRng);
        let a = argon(b"pepper");
        let theirs = a.hash_password(b"1234", &salt).unwrap();
        assert!(verify(b"pepper", b"1234", &theirs).unwrap());
        assert!(!verify(b"pepper", b"1235", &theirs).unwrap());
        assert!(!verify(b"other pepper", b"1234", &theirs).unwrap());
        let ours = hash(
            &a,
            Algorithm::Argon2id,
            Version::V0x13,
            b"5678",
            salt.as_salt(),
        )
        .unwrap();
        assert!(a.verify_password(b"5678", &ours).is_ok());
        assert!(a.verify_password(b"5679", &ours).is_err());
    }

    #[test]
    fn a_stored_hash_of_another_algorithm_is_verified_as_that_algorithm() {
        let salt = SaltString::generate(&mut OsRng);
        let params = ParamsBuilder::new()
            .m_cost(1024)
            .t_cost(1)
            .p_cost(1)
            .build()
            .unwrap();
        let a = Argon2::new_with_secret(b"p", Algorithm::Argon2i, Version::V0x10, params).unwrap();
        let theirs = a.hash_password(b"1234", &salt).unwrap();
        assert!(verify(b"p", b"1234", &theirs).unwrap());
    }

    #[test]
    fn the_blocks_are_as_many_as_asked_and_zeroed_in_a_larger_reservation() {
        with_blocks(19 * 1024, |blocks| {
            assert_eq!(blocks.len(), 19 * 1024);
            assert!(blocks.iter().all(|b| b.as_ref().iter().all(|w| *w == 0)));
        });
    }
}
