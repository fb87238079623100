/* Not part of libsodium: points the vendored sources at the installed header. */
#include <sodium/utils.h>
