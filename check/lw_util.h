/* lw_util.h — two small helpers that check/, hil/ and cli/ each used to
 * carry a private copy of: filling a caller's error buffer printf-style,
 * and the value of one hex digit. No I/O, no state. */
#ifndef LORAHIL_LW_UTIL_H
#define LORAHIL_LW_UTIL_H

#include <stddef.h>

/* Formats into err (errlen bytes, always NUL-terminated, truncated if
 * longer). Does nothing when err is NULL or errlen is 0, so callers may
 * pass a NULL buffer when they do not want the message. */
void lw_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The value 0..15 of the ASCII hex digit c (either case), or -1 for any
 * other value, including negative ones (a plain char above 0x7F). */
int lw_hexval(int c);

#endif
