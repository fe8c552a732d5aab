/* SHA-256 (FIPS 180-4), small and dependency-free, for nsread's fingerprints. */
#ifndef NETPLUMB_SHA256_H
#define NETPLUMB_SHA256_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint32_t s[8];
  uint64_t bits;
  unsigned char b[64];
  size_t n;
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
void sha256_final(sha256_ctx *c, unsigned char out[32]);
/* Tests: 1 forces the portable block function, 0 lets CPUID choose again (single-threaded callers only). */
void sha256_use_portable(int on);
/* Which block function hashes: "portable" or "x86 SHA extensions". */
const char *sha256_implementation(void);
#endif
