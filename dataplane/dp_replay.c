/* SPDX-License-Identifier: BSD-3-Clause */
/* ESP anti-replay window (see dp_replay.h). */
#include <string.h>

#include "dp_replay.h"

void
dp_replay_init(struct dp_replay *r, uint32_t win, bool esn)
{
	uint32_t size = dp_replay_size(win);

	memset(r, 0, size);
	r->win = win;
	r->esn = esn;
	r->words = (uint32_t)((size - sizeof(*r)) / sizeof(uint64_t));
}

void
dp_replay_resume(struct dp_replay *r, uint64_t edge)
{
	/* everything up to the edge counts as seen: the window begins right after it */
	r->top = edge;
	if (edge != 0)
		memset(r->bits, 0xff, sizeof(r->bits[0]) * r->words);
}

uint64_t
dp_replay_seq(const struct dp_replay *r, uint32_t low)
{
	uint32_t tl = (uint32_t)r->top, th = (uint32_t)(r->top >> 32);
	uint32_t w = r->win != 0 ? r->win : 1, bottom = tl - w + 1;

	if (!r->esn)
		return low;
	/* RFC 4303 A2.1: is the window inside one 2^32 subspace, or across two? */
	if (tl >= w - 1) {
		if (low < bottom)
			th++;        /* beyond the top: the next subspace */
	} else if (low >= bottom && th > 0) {
		th--;                /* the part of the window left of the wrap */
	}
	return (uint64_t)th << 32 | low;
}

static inline uint64_t *
word_of(struct dp_replay *r, uint64_t seq)
{
	return &r->bits[(seq >> 6) & (r->words - 1)];
}

bool
dp_replay_check(const struct dp_replay *r, uint64_t seq)
{
	if (r->win == 0)
		return true;
	if (seq == 0)
		return false;      /* the first packet carries 1 (RFC 4303 §3.3.3) */
	if (seq > r->top)
		return true;
	if (seq + r->win <= r->top)
		return false;      /* left of the window */
	return !(r->bits[(seq >> 6) & (r->words - 1)] & (UINT64_C(1) << (seq & 63)));
}

bool
dp_replay_update(struct dp_replay *r, uint64_t seq)
{
	uint64_t *w, bit = UINT64_C(1) << (seq & 63);

	if (r->win == 0)
		return true;
	if (!dp_replay_check(r, seq))
		return false;
	if (seq > r->top) {
		/* clear the words the window slides over (all of them after a long jump) */
		uint64_t from = (r->top >> 6) + 1, to = seq >> 6, i;

		if (to - from + 1 > r->words || r->top == 0)
			memset(r->bits, 0, sizeof(r->bits[0]) * r->words);
		else
			for (i = from; i <= to; i++)
				r->bits[i & (r->words - 1)] = 0;
		r->top = seq;
	}
	w = word_of(r, seq);
	*w |= bit;
	return true;
}
