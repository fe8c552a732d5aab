/*
 * SHA-256 (FIPS 180-4). Checked against the standard's test vectors by
 * `nsread --self-test`, and both block functions against Node's crypto by
 * `nsread sha256` (electron/kernel/nsread-sha.test.ts).
 *
 * On x86-64 CPUs with the SHA extensions (Intel since Goldmont and Ice Lake,
 * AMD since Zen), blocks are hashed with them, found at run time by CPUID:
 * hashing was 14% of a fingerprint pass's CPU time (most of it a link dump's
 * attributes), about a tenth of that with the instructions. Elsewhere, or
 * built by a compiler that cannot target them, the portable code below runs.
 */
#include <string.h>
#include "sha256.h"

#if defined(__x86_64__) && (defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 5))
#define SHA256_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void block_portable(sha256_ctx *c, const unsigned char *p) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = c->s[0], b = c->s[1], cc = c->s[2], d = c->s[3], e = c->s[4], f = c->s[5], g = c->s[6],
           h = c->s[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
    uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & cc) ^ (b & cc));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = cc;
    cc = b;
    b = a;
    a = t1 + t2;
  }
  c->s[0] += a;
  c->s[1] += b;
  c->s[2] += cc;
  c->s[3] += d;
  c->s[4] += e;
  c->s[5] += f;
  c->s[6] += g;
  c->s[7] += h;
}

#ifdef SHA256_X86
/*
 * One block with the SHA extensions. The state is kept as the instructions
 * want it (ABEF and CDGH); each step of the loop is four rounds, its message
 * words the next four of the schedule (SHA256MSG1/MSG2 from the sixteen
 * before, as in FIPS 180-4 6.2.2 step 1).
 */
__attribute__((target("sha,sse4.1,ssse3"))) static void block_x86(sha256_ctx *c, const unsigned char *p) {
  const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i dcba = _mm_loadu_si128((const __m128i *)&c->s[0]);
  __m128i hgfe = _mm_loadu_si128((const __m128i *)&c->s[4]);
  __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
  __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
  __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
  __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
  const __m128i abef0 = abef, cdgh0 = cdgh;
  __m128i w[4];
  for (int g = 0; g < 16; g++) {
    __m128i m;
    if (g < 4) m = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)), bswap);
    else {
      /* W[t..t+3] from W[t-16..t-13], W[t-12], W[t-7..t-4] and W[t-2..t-1]. */
      __m128i t = _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]);
      t = _mm_add_epi32(t, _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4));
      m = _mm_sha256msg2_epu32(t, w[(g + 3) & 3]);
    }
    w[g & 3] = m;
    __m128i k = _mm_add_epi32(m, _mm_loadu_si128((const __m128i *)&K[4 * g]));
    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, k);
    abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(k, 0x0E));
  }
  abef = _mm_add_epi32(abef, abef0);
  cdgh = _mm_add_epi32(cdgh, cdgh0);
  __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  _mm_storeu_si128((__m128i *)&c->s[0], _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128((__m128i *)&c->s[4], _mm_alignr_epi8(dchg, feba, 8));
}

/* CPUID: SSSE3 and SSE4.1 (leaf 1, ECX bits 9 and 19) and SHA (leaf 7, EBX bit 29). */
static int x86_has_sha(void) {
  unsigned a, b, c, d;
  if (__get_cpuid_max(0, NULL) < 7) return 0;
  __cpuid(1, a, b, c, d);
  if (!(c & (1u << 9)) || !(c & (1u << 19))) return 0;
  __cpuid_count(7, 0, a, b, c, d);
  return (b & (1u << 29)) != 0;
}
#endif

typedef void (*block_fn)(sha256_ctx *, const unsigned char *);
static block_fn block = block_portable;

/* Chosen before main (so before nsread starts any thread), and again by sha256_use_portable(0). */
__attribute__((constructor)) static void choose_block(void) {
  block = block_portable;
#ifdef SHA256_X86
  if (x86_has_sha()) block = block_x86;
#endif
}

void sha256_use_portable(int on) {
  if (on) block = block_portable;
  else choose_block();
}

const char *sha256_implementation(void) { return block == block_portable ? "portable" : "x86 SHA extensions"; }

void sha256_init(sha256_ctx *c) {
  static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(c->s, iv, sizeof iv);
  c->bits = 0;
  c->n = 0;
}

void sha256_update(sha256_ctx *c, const void *data, size_t len) {
  const unsigned char *p = data;
  c->bits += (uint64_t)len * 8;
  /* Whole blocks straight from the input, when nothing is buffered. */
  for (; c->n == 0 && len >= 64; p += 64, len -= 64) block(c, p);
  while (len) {
    size_t k = 64 - c->n < len ? 64 - c->n : len;
    memcpy(c->b + c->n, p, k);
    c->n += k;
    p += k;
    len -= k;
    if (c->n == 64) {
      block(c, c->b);
      c->n = 0;
    }
  }
}

void sha256_final(sha256_ctx *c, unsigned char out[32]) {
  uint64_t bits = c->bits;
  unsigned char pad = 0x80, zero = 0;
  sha256_update(c, &pad, 1);
  while (c->n != 56) sha256_update(c, &zero, 1);
  unsigned char len[8];
  for (int i = 0; i < 8; i++) len[i] = (unsigned char)(bits >> (56 - 8 * i));
  sha256_update(c, len, 8);
  for (int i = 0; i < 8; i++) {
    out[4 * i] = (unsigned char)(c->s[i] >> 24);
    out[4 * i + 1] = (unsigned char)(c->s[i] >> 16);
    out[4 * i + 2] = (unsigned char)(c->s[i] >> 8);
    out[4 * i + 3] = (unsigned char)c->s[i];
  }
}
