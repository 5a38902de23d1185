#ifndef CSHA1_H
#define CSHA1_H

#include <stddef.h>
#include <stdint.h>

/// SHA-1 of `length` bytes at `data` into `digest` (20 bytes). Uses the CPU's SHA
/// instructions when it has them; git's index checksum is SHA-1, and a project's index
/// can be tens of megabytes.
void csha1(const void *data, size_t length, uint8_t digest[20]);

/// A hash in progress over whole 64-byte blocks, so two inputs that share a prefix (an
/// index before and after one entry changed) hash that prefix once.
typedef struct {
  uint32_t state[5];
  uint64_t length;
} csha1_context;

void csha1_init(csha1_context *context);

/// Hashes `blocks` whole 64-byte blocks at `data`.
void csha1_blocks(csha1_context *context, const void *data, size_t blocks);

/// The digest of everything hashed into `context` followed by `length` bytes at `data`;
/// `context` is left as it was.
void csha1_final(const csha1_context *context, const void *data, size_t length, uint8_t digest[20]);

/// The portable implementation alone, so tests can compare the two.
void csha1_portable(const void *data, size_t length, uint8_t digest[20]);

#endif
