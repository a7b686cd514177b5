/* The unit tests' random inputs: xorshift64 (Marsaglia), deterministic, so a
 * failing round is reproduced by its number. Each test keeps its own state
 * (a nonzero seed). */
#ifndef ZHFIX_TEST_XORSHIFT_H
#define ZHFIX_TEST_XORSHIFT_H

#include <stdint.h>

/* The next 32 random bits; advances *state. */
static inline uint32_t xorshift_next(uint64_t *state)
{
  *state ^= *state << 13;
  *state ^= *state >> 7;
  *state ^= *state << 17;
  return (uint32_t)(*state >> 11);
}

#endif
