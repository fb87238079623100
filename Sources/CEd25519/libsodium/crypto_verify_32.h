/* Not part of libsodium: points the vendored sources at the installed header. */
#include <sodium/crypto_verify_32.h>
