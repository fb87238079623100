#ifndef HUTSYNC_ED25519_BATCH_H
#define HUTSYNC_ED25519_BATCH_H

#include <stddef.h>

/// How many signatures one batch holds.
#define HUTSYNC_ED25519_BATCH_MAX 64

/// Ed25519 signatures checked together: one multi-scalar multiplication for the whole batch instead of one double
/// scalar multiplication each. Accepts every batch whose signatures all verify with libsodium's
/// `crypto_sign_verify_detached` by keys in the prime-order subgroup (every key `crypto_sign_keypair` makes; a key
/// with a small-order component fails the batch). Rejects any other, except with probability about 2^-128, or when a signature's only
/// defect is a point of small order, which only its signer can make: for a node re-checking what the relay's door
/// verified one by one, never for the door itself (`docs/protocol.md`, section 6). A rejected batch says nothing about
/// which signature failed: check those one by one.
typedef struct hutsync_ed25519_batch hutsync_ed25519_batch;

/// A new, empty batch (NULL when out of memory). Not shared between threads.
hutsync_ed25519_batch *hutsync_ed25519_batch_new(void);
void hutsync_ed25519_batch_free(hutsync_ed25519_batch *batch);

/// Empties the batch and draws fresh random coefficients for it.
void hutsync_ed25519_batch_reset(hutsync_ed25519_batch *batch);

/// Adds the signature `sig` by `pk` over `prefix` ‖ `m`. Returns -1 (and the batch will fail) when the batch is full,
/// the signature or key is one libsodium refuses before any arithmetic (non-canonical, small order, not a point), or
/// the key has a small-order component.
int hutsync_ed25519_batch_add(hutsync_ed25519_batch *batch, const unsigned char sig[64], const unsigned char pk[32],
                              const unsigned char *prefix, size_t prefixlen, const unsigned char *m, size_t mlen);

/// 0 when every signature added verifies (also for an empty batch), -1 otherwise.
int hutsync_ed25519_batch_verify(hutsync_ed25519_batch *batch);

#endif
