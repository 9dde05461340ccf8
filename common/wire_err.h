/* SPDX-License-Identifier: BSD-3-Clause */
/* Typed errors of every wire parser, as one X-macro list (enum + names). */
#ifndef WIRE_ERR_H
#define WIRE_ERR_H

/* _(ENUM, "name") */
#define WIRE_ERR_LIST(_)                                                        \
	_(OK, "ok")                                                             \
	_(TRUNCATED, "truncated")                /* buffer ends inside a header */ \
	_(BAD_VERSION, "bad IP version")                                        \
	_(BAD_LENGTH, "bad length")              /* a length field disagrees */ \
	_(BAD_IHL, "bad IPv4 header length")                                    \
	_(BAD_CSUM, "bad checksum")                                             \
	_(FRAGMENT, "fragment")                  /* never reassembled */        \
	_(EXT_CHAIN, "extension header chain too long")                         \
	_(EXT_ORDER, "extension header out of order")                           \
	_(UNKNOWN_DSTOPT, "unknown destination option that must not be skipped") \
	_(DUP_HAO, "duplicate Home Address option")                             \
	_(BAD_HAO, "bad Home Address option")                                   \
	_(BAD_RH2, "bad type 2 routing header")                                 \
	_(RH_UNSUPPORTED, "routing header with segments left")                  \
	_(JUMBO, "jumbogram")                                                   \
	_(BAD_PROTO, "bad payload proto")        /* MH payload proto != 59 */   \
	_(SHORT_FOR_TYPE, "header too short for type")                          \
	_(UNKNOWN_MH_TYPE, "unknown mobility header type")                      \
	_(OPT_OVERRUN, "option overruns the option area")                       \
	_(OPT_BAD_LEN, "bad option length")                                     \
	_(OPT_DUPLICATE, "duplicate option")                                    \
	_(OPT_ALIGN, "bad option alignment")                                    \
	_(OPT_TOO_MANY, "too many options of one type")                         \
	_(OPT_AUTH_NOT_LAST, "authorization data option not last")              \
	_(PAD_RUN, "padding run longer than 7 bytes")                           \
	_(BAD_TLV, "bad TLV header")                                            \
	_(BAD_ESP, "bad ESP header")             /* SPI 0..255 or too short */  \
	_(NOSPACE, "no space in output buffer")

enum wire_err {
#define WIRE_ERR_ENUM(e, s) WIRE_E_ ## e,
	WIRE_ERR_LIST(WIRE_ERR_ENUM)
#undef WIRE_ERR_ENUM
	WIRE_E_MAX
};

/** @return the name of an error; pure, any thread. */
const char *wire_strerror(enum wire_err e);

#endif /* WIRE_ERR_H */
