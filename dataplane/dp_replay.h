/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The home agent's own ESP anti-replay window (RFC 4303 §3.4.3, a bitmap in 64-bit words as
 * RFC 6479 suggests; extended sequence numbers per RFC 4303 Appendix A2.1). It runs beside
 * rte_ipsec's: the window of DPDK 22.11's rte_ipsec keeps the bit of a sequence number in a
 * 32-bit variable before setting it in its 64-bit bucket, so every number whose low six bits
 * are 32..63 is never marked and can be replayed as long as it stays in the window. The
 * library is not patched (seed 001); this window is checked before decryption and updated
 * once a packet has passed authentication. One lcore per inbound SA, so no locking. Pure.
 */
#ifndef DP_REPLAY_H
#define DP_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#define DP_REPLAY_MAX 4096            /* packets: the largest window the config allows */

struct dp_replay {
	uint64_t top;                 /**< highest sequence number accepted (0: none yet) */
	uint32_t win;                 /**< window in packets; 0 disables anti-replay */
	uint32_t words;               /**< bitmap words (a power of two, >= 2) */
	bool esn;
	uint64_t bits[];              /**< bit s % (64 * words) for sequence number s */
};

/** Bytes for a window of win packets. */
static inline uint32_t
dp_replay_size(uint32_t win)
{
	uint32_t w = 2;

	while (64 * (w - 1) < win)
		w *= 2;
	return (uint32_t)(sizeof(struct dp_replay) + w * sizeof(uint64_t));
}

/** Initialise r (dp_replay_size(win) bytes). */
void dp_replay_init(struct dp_replay *r, uint32_t win, bool esn);

/** After a restart: every sequence number up to edge is taken as seen (the window resumes
 *  where it was stored). */
void dp_replay_resume(struct dp_replay *r, uint64_t edge);

/** The full sequence number of a packet whose ESP header carries low (ESN: A2.1). */
uint64_t dp_replay_seq(const struct dp_replay *r, uint32_t low);

/** May a packet with sequence number seq be processed? (not seen, not left of the window) */
bool dp_replay_check(const struct dp_replay *r, uint64_t seq);

/**
 * Record seq once its packet is authenticated. @return false when it was already recorded
 * (a duplicate inside one burst) or fell out of the window meanwhile: drop it.
 */
bool dp_replay_update(struct dp_replay *r, uint64_t seq);

#endif /* DP_REPLAY_H */
