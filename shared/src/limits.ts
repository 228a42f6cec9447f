// Sizes both tiers enforce alike, so the pool never admits what the converter will refuse and
// nothing is read past its limit. Bytes.

/** The largest request body either tier reads (pool and converter alike); refused before it is
 * read when Content-Length says so, and cut off at this size when it does not. */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
