// Ed25519 batch verification, on the field, point and scalar arithmetic of libsodium 1.0.18 (vendored unchanged in
// `libsodium/`, its external symbols renamed here so they can never clash with the library's own).
//
// For signatures (R_i, S_i) by keys A_i over messages M_i, with h_i = SHA-512(R_i ‖ A_i ‖ M_i) mod L, each one
// verifies (libsodium's cofactorless check) when S_i·B = R_i + h_i·A_i. With random 128-bit z_i, and every key in
// the prime-order subgroup (a key with a small-order component fails the batch: see `in_prime_order_subgroup`), the
// batch checks
//
//     (Σ z_i·S_i)·B + Σ_keys (Σ_{i by that key} z_i·h_i)·(−A) + Σ z_i·(−R_i) = identity
//
// in one Straus multi-scalar multiplication (signed sliding windows of width 5: the doublings are shared by the whole
// batch, and each key's points are added once however many of its signatures the batch holds). When every signature
// verifies, the sum is exactly the identity; when one does not, it is the identity only with probability about 2^-128,
// unless that signature's error is a point of small order (which only its signer can produce): the batch may then
// pass. So it serves a node re-checking entries the relay's door verified one by one, never the door (docs/protocol.md,
// section 6).

#if !defined(__SIZEOF_INT128__)
#error "ed25519_batch.c uses libsodium's 64-bit field arithmetic (fe_51), which needs 128-bit integers"
#endif
#define HAVE_TI_MODE 1
#define CONFIGURED 1

#define fe25519_invert hutsync_fe25519_invert
#define fe25519_frombytes hutsync_fe25519_frombytes
#define fe25519_tobytes hutsync_fe25519_tobytes
#define ge25519_add hutsync_ge25519_add
#define ge25519_double_scalarmult_vartime hutsync_ge25519_double_scalarmult_vartime
#define ge25519_from_hash hutsync_ge25519_from_hash
#define ge25519_from_uniform hutsync_ge25519_from_uniform
#define ge25519_frombytes hutsync_ge25519_frombytes
#define ge25519_frombytes_negate_vartime hutsync_ge25519_frombytes_negate_vartime
#define ge25519_has_small_order hutsync_ge25519_has_small_order
#define ge25519_is_canonical hutsync_ge25519_is_canonical
#define ge25519_is_on_curve hutsync_ge25519_is_on_curve
#define ge25519_is_on_main_subgroup hutsync_ge25519_is_on_main_subgroup
#define ge25519_p1p1_to_p2 hutsync_ge25519_p1p1_to_p2
#define ge25519_p1p1_to_p3 hutsync_ge25519_p1p1_to_p3
#define ge25519_p3_to_cached hutsync_ge25519_p3_to_cached
#define ge25519_p3_tobytes hutsync_ge25519_p3_tobytes
#define ge25519_scalarmult hutsync_ge25519_scalarmult
#define ge25519_scalarmult_base hutsync_ge25519_scalarmult_base
#define ge25519_sub hutsync_ge25519_sub
#define ge25519_tobytes hutsync_ge25519_tobytes
#define ristretto255_from_hash hutsync_ristretto255_from_hash
#define ristretto255_frombytes hutsync_ristretto255_frombytes
#define ristretto255_p3_tobytes hutsync_ristretto255_p3_tobytes
#define sc25519_invert hutsync_sc25519_invert
#define sc25519_is_canonical hutsync_sc25519_is_canonical
#define sc25519_mul hutsync_sc25519_mul
#define sc25519_muladd hutsync_sc25519_muladd
#define sc25519_reduce hutsync_sc25519_reduce

#include "libsodium/ed25519_ref10.c"

#include <sodium.h>

#include "ed25519_batch.h"

#define MAX HUTSYNC_ED25519_BATCH_MAX

struct hutsync_ed25519_batch {
    size_t count;    // signatures added
    size_t keys;     // distinct keys among them
    int failed;      // one was refused on its own: the batch fails
    unsigned char z[MAX][32];          // random coefficients, 128 bits each
    ge25519_p3 negR[MAX];              // −R_i
    unsigned char sumS[32];            // Σ z_i·S_i mod L
    unsigned char key[MAX][32];        // the distinct keys' bytes,
    ge25519_p3 negA[MAX];              // their points, negated,
    unsigned char sumH[MAX][32];       // and Σ z_i·h_i mod L over each one's signatures
};

hutsync_ed25519_batch *hutsync_ed25519_batch_new(void) {
    hutsync_ed25519_batch *batch = malloc(sizeof *batch);
    if (batch != NULL) {
        hutsync_ed25519_batch_reset(batch);
    }
    return batch;
}

void hutsync_ed25519_batch_free(hutsync_ed25519_batch *batch) { free(batch); }

void hutsync_ed25519_batch_reset(hutsync_ed25519_batch *batch) {
    unsigned char random[MAX][16];
    batch->count = 0;
    batch->keys = 0;
    batch->failed = 0;
    memset(batch->sumS, 0, sizeof batch->sumS);
    memset(batch->z, 0, sizeof batch->z);
    randombytes_buf(random, sizeof random);  // one call: each may be a system call
    for (size_t i = 0; i < MAX; i++) {
        memcpy(batch->z[i], random[i], 16);
        batch->z[i][0] |= (unsigned char) (sodium_is_zero(random[i], 16) != 0);  // never 0: it would skip a signature
    }
}

/// Keys this thread found in the prime-order subgroup (a check that costs a scalar multiplication, so each key is
/// checked once per thread; nodes see a handful of authors).
static _Thread_local struct {
    unsigned char key[16][32];
    unsigned count, next;
} prime_order_keys;

/// Whether the key (decoded, negated) has no small-order component. libsodium accepts a key A = a·B + T with T of
/// small order, and signatures for it (S·B = R + h·A can hold with h reduced mod L), but the batch multiplies A by
/// Σ z_i·h_i reduced mod L, which differs from the integer sum by a multiple of L, and L·T is not the identity. Such a
/// key fails the batch, and its caller checks those signatures one by one.
static int in_prime_order_subgroup(const unsigned char pk[32], const ge25519_p3 *point) {
    for (unsigned j = 0; j < prime_order_keys.count; j++) {
        if (memcmp(prime_order_keys.key[j], pk, 32) == 0) {
            return 1;
        }
    }
    if (ge25519_is_on_main_subgroup(point) == 0) {
        return 0;
    }
    memcpy(prime_order_keys.key[prime_order_keys.next], pk, 32);
    prime_order_keys.next = (prime_order_keys.next + 1) % 16;
    if (prime_order_keys.count < 16) {
        prime_order_keys.count++;
    }
    return 1;
}

int hutsync_ed25519_batch_add(hutsync_ed25519_batch *batch, const unsigned char sig[64], const unsigned char pk[32],
                              const unsigned char *prefix, size_t prefixlen, const unsigned char *m, size_t mlen) {
    if (batch->count == MAX) {
        batch->failed = 1;
        return -1;
    }
    size_t i = batch->count;
    // What `crypto_sign_verify_detached` refuses before its arithmetic, refused alike; and R must be the canonical
    // encoding of a point, as libsodium compares R's bytes with those of the point it computes.
    if (sc25519_is_canonical(sig + 32) == 0 || ge25519_has_small_order(sig) != 0 || ge25519_is_canonical(pk) == 0 ||
        ge25519_has_small_order(pk) != 0 || ge25519_is_canonical(sig) == 0 ||
        ge25519_frombytes_negate_vartime(&batch->negR[i], sig) != 0) {
        batch->failed = 1;
        return -1;
    }
    size_t k = 0;
    while (k < batch->keys && memcmp(batch->key[k], pk, 32) != 0) {
        k++;
    }
    if (k == batch->keys) {
        if (ge25519_frombytes_negate_vartime(&batch->negA[k], pk) != 0 ||
            in_prime_order_subgroup(pk, &batch->negA[k]) == 0) {
            batch->failed = 1;
            return -1;
        }
        memcpy(batch->key[k], pk, 32);
        memset(batch->sumH[k], 0, 32);
        batch->keys++;
    }
    crypto_hash_sha512_state state;
    unsigned char h[64];
    crypto_hash_sha512_init(&state);
    crypto_hash_sha512_update(&state, sig, 32);
    crypto_hash_sha512_update(&state, pk, 32);
    crypto_hash_sha512_update(&state, prefix, prefixlen);
    crypto_hash_sha512_update(&state, m, mlen);
    crypto_hash_sha512_final(&state, h);
    sc25519_reduce(h);
    sc25519_muladd(batch->sumH[k], batch->z[i], h, batch->sumH[k]);
    sc25519_muladd(batch->sumS, batch->z[i], sig + 32, batch->sumS);
    batch->count++;
    return 0;
}

/// P, 3P, 5P, …, 15P: the points a width-5 signed window adds.
static void odd_multiples(ge25519_cached out[8], const ge25519_p3 *p) {
    ge25519_p1p1 t;
    ge25519_p3 twice, u;
    ge25519_p3_to_cached(&out[0], p);
    ge25519_p3_dbl(&t, p);
    ge25519_p1p1_to_p3(&twice, &t);
    for (int j = 1; j < 8; j++) {
        ge25519_add(&t, &twice, &out[j - 1]);
        ge25519_p1p1_to_p3(&u, &t);
        ge25519_p3_to_cached(&out[j], &u);
    }
}

int hutsync_ed25519_batch_verify(hutsync_ed25519_batch *batch) {
    // B, 3B, …, 15B, as libsodium's `ge25519_double_scalarmult_vartime` has them.
    static const ge25519_precomp Bi[8] = {
#include "libsodium/fe_51/base2.h"
    };
    static const unsigned char identity[32] = {1};
    if (batch->failed) {
        return -1;
    }
    if (batch->count == 0) {
        return 0;
    }
    size_t points = batch->count + batch->keys;
    signed char (*digits)[256] = malloc(points * sizeof *digits);
    ge25519_cached (*tables)[8] = malloc(points * sizeof *tables);
    if (digits == NULL || tables == NULL) {
        free(digits);
        free(tables);
        return -1;
    }
    for (size_t i = 0; i < batch->count; i++) {
        slide_vartime(digits[i], batch->z[i]);
        odd_multiples(tables[i], &batch->negR[i]);
    }
    for (size_t k = 0; k < batch->keys; k++) {
        slide_vartime(digits[batch->count + k], batch->sumH[k]);
        odd_multiples(tables[batch->count + k], &batch->negA[k]);
    }
    signed char bdigits[256];
    slide_vartime(bdigits, batch->sumS);

    ge25519_p2 r;
    ge25519_p1p1 t;
    ge25519_p3 u;
    ge25519_p2_0(&r);
    for (int bit = 255; bit >= 0; --bit) {
        ge25519_p2_dbl(&t, &r);
        for (size_t p = 0; p < points; p++) {
            signed char d = digits[p][bit];
            if (d > 0) {
                ge25519_p1p1_to_p3(&u, &t);
                ge25519_add(&t, &u, &tables[p][d / 2]);
            } else if (d < 0) {
                ge25519_p1p1_to_p3(&u, &t);
                ge25519_sub(&t, &u, &tables[p][(-d) / 2]);
            }
        }
        if (bdigits[bit] > 0) {
            ge25519_p1p1_to_p3(&u, &t);
            ge25519_madd(&t, &u, &Bi[bdigits[bit] / 2]);
        } else if (bdigits[bit] < 0) {
            ge25519_p1p1_to_p3(&u, &t);
            ge25519_msub(&t, &u, &Bi[(-bdigits[bit]) / 2]);
        }
        ge25519_p1p1_to_p2(&r, &t);
    }
    free(digits);
    free(tables);
    unsigned char encoded[32];
    ge25519_tobytes(encoded, &r);
    return memcmp(encoded, identity, 32) == 0 ? 0 : -1;
}
