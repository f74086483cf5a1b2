#ifndef CHIREDIS_SHIM_H
#define CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>

// hiredis 0.14 (Debian bookworm) speaks RESP2 only; 1.x adds the RESP3 reply types below.
// Defining them here lets the Swift side map every type either version can return.
// The values are the ones hiredis 1.x uses in read.h.
#ifndef REDIS_REPLY_DOUBLE
#define REDIS_REPLY_DOUBLE 7
#endif
#ifndef REDIS_REPLY_BOOL
#define REDIS_REPLY_BOOL 8
#endif
#ifndef REDIS_REPLY_MAP
#define REDIS_REPLY_MAP 9
#endif
#ifndef REDIS_REPLY_SET
#define REDIS_REPLY_SET 10
#endif
#ifndef REDIS_REPLY_ATTR
#define REDIS_REPLY_ATTR 11
#endif
#ifndef REDIS_REPLY_PUSH
#define REDIS_REPLY_PUSH 12
#endif
#ifndef REDIS_REPLY_BIGNUM
#define REDIS_REPLY_BIGNUM 13
#endif
#ifndef REDIS_REPLY_VERB
#define REDIS_REPLY_VERB 14
#endif

// `errstr` is a fixed-size char array, which Swift imports as a 128-element tuple.
static inline const char *chiredis_errstr(const redisContext *c) {
    return c->errstr;
}

#endif
