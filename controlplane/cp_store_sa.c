/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP sequence numbers across restarts. An outbound SA's sequence number must never be used
 * twice under its key (with AES-GCM the sequence number is the nonce: RFC 4106 §3.1 and
 * §8.1); an inbound SA's window must not open again below what it accepted.
 *
 * Outbound: a reservation, as databases hand out sequences. The store holds a number R above
 * everything used; a restart starts there. R is renewed to used + ahead whenever use comes
 * within ahead / 2 of it, where ahead is the larger of STEP (2^22) and AHEAD_MS (10 s) of
 * the SA's own rate, measured between two visits of the sweep. The sweep visits every SA
 * once per SWEEP_MS (20 ms), paced by the clock and at most SWEEP_PER_PASS per control-loop
 * pass (so 65,536 SAs take 16 passes: tens of ms, a second even with passes slowed to 60 ms
 * by a storm of BUs), so an SA would have to send 5 s of its own traffic, or 2^21 packets
 * from idle (70 ms at 30 Mpps), within one sweep to outrun its reservation.
 * Paced, not as fast as the loop turns: each visit reads the SA's counter line of every
 * worker, and a worker's next write to a line another core read is a coherence miss. Swept
 * every pass (100 us), 2,000 SAs at 1.6 Mpps cost a worker a miss on nearly every ESP packet
 * (issue 17). A restart costs an SA at most its ahead of its 2^32 numbers (2^64 with ESN):
 * 2^22, or 10 s of its traffic.
 * Inbound: the window's edge (the highest sequence number authenticated), stored when it
 * moved; a restart resumes the window there. What the last sweep did not store (at most one
 * sweep of traffic before a crash) could be replayed once after it: said in the README.
 */
#include <stdlib.h>
#include <string.h>

#include "cp_store.h"
#include "dp_sa.h"

#define STEP (UINT64_C(1) << 22)
#define AHEAD_MS 10000
#define SWEEP_PER_PASS 4096
#define SWEEP_MS 20

/* Per SA slot. */
struct slot {
	uint64_t mark;                /* what the store holds */
	uint64_t ahead;               /* with which step */
	uint64_t seen;                /* used at the last visit */
	uint64_t seen_ms;
	uint32_t spi;                 /* whose (a slot is reused) */
};

struct cp_store_sa {
	struct slot *slot;
	uint32_t cap;
	uint32_t next;                /* the sweep's position */
	uint16_t n_lcores;
	uint64_t t0_ms;               /* the pacing's clock starts at the first sweep */
	uint64_t visited;             /* visits since t0_ms (paced sweeps) */
};

struct cp_store_sa *
cp_store_sa_create(uint32_t cap, uint16_t n_lcores)
{
	struct cp_store_sa *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->slot = calloc(cap, sizeof(*w->slot));
	if (w->slot == NULL) {
		cp_store_sa_free(w);
		return NULL;
	}
	w->cap = cap;
	w->n_lcores = n_lcores;
	return w;
}

void
cp_store_sa_reset(struct cp_store_sa *w)
{
	if (w != NULL)
		memset(w->slot, 0, sizeof(*w->slot) * w->cap);
}

void
cp_store_sa_free(struct cp_store_sa *w)
{
	if (w == NULL)
		return;
	free(w->slot);
	free(w);
}

/* Sequence numbers an outbound SA has used: its start plus every packet rte_ipsec was given
 * (encrypted or failed after the number was taken), summed over the lcores. */
static uint64_t
used(const struct cp_store_sa *w, const struct dp_sadb *db, const struct dp_sa *sa)
{
	uint64_t n = sa->seq_start;
	uint16_t l;

	for (l = 0; l < w->n_lcores; l++) {
		const struct dp_sa_ctr *c = &dp_sadb_counters(db, l)[sa->slot];

		n += c->pkts + c->errors;
	}
	return n;
}

/* How far ahead of use an outbound SA's reservation goes: STEP, or AHEAD_MS of its rate. */
static uint64_t
ahead_of(const struct slot *x, uint64_t used, uint64_t now_ms)
{
	uint64_t ahead = STEP;

	if (x->seen_ms != 0 && now_ms > x->seen_ms && used > x->seen) {
		uint64_t per_ms = (used - x->seen) / (now_ms - x->seen_ms) + 1;

		if (per_ms > STEP / AHEAD_MS)
			ahead = per_ms * AHEAD_MS;
	}
	return ahead;
}

/* A paced sweep's share now: what keeps it at cap visits per SWEEP_MS since it started,
 * at most SWEEP_PER_PASS (a sweep that fell behind does not catch up in one pass). */
static uint32_t
paced_budget(struct cp_store_sa *w, uint64_t now_ms)
{
	uint64_t due;

	if (w->t0_ms == 0 || now_ms < w->t0_ms) {
		w->t0_ms = now_ms != 0 ? now_ms : 1;
		w->visited = 0;
	}
	due = (now_ms - w->t0_ms + 1) * w->cap / SWEEP_MS;
	if (due <= w->visited)
		return 0;
	if (due - w->visited > SWEEP_PER_PASS)
		w->visited = due - SWEEP_PER_PASS;
	return (uint32_t)(due - w->visited);
}

void
cp_store_sa_sweep(struct cp_store_sa *w, struct cp_store *s, const struct dp_sadb *db,
		  uint32_t budget, uint64_t now_ms)
{
	uint32_t k;

	if (w == NULL || s == NULL || db == NULL)
		return;
	if (budget == 0) {
		budget = paced_budget(w, now_ms);
		w->visited += budget;
	}
	for (k = 0; k < budget && k < w->cap; k++) {
		uint32_t i = w->next;
		const struct dp_sa *sa = dp_sa_get(db, i);
		struct slot *x = &w->slot[i];

		w->next = (w->next + 1) % w->cap;
		if (sa == NULL)
			continue;
		if (x->spi != sa->spi || x->seen_ms == 0) {
			/* a new SA in this slot: nothing stored for it yet */
			*x = (struct slot){ .spi = sa->spi };
		}
		if (sa->dir == CFG_SA_OUT) {
			uint64_t u = used(w, db, sa), lim = sa->esn ? UINT64_MAX : UINT32_MAX;
			uint64_t ahead = ahead_of(x, u, now_ms);

			x->seen = u;
			x->seen_ms = now_ms != 0 ? now_ms : 1;
			if (x->mark != 0 && u + ahead / 2 <= x->mark)
				continue;
			x->mark = u < lim - ahead ? u + ahead : lim;
			x->ahead = ahead;
		} else {
			uint64_t top = sa->rw != NULL ?
				       __atomic_load_n(&sa->rw->top, __ATOMIC_RELAXED) : 0;

			x->seen_ms = now_ms != 0 ? now_ms : 1;
			if (top <= x->mark)
				continue;
			x->mark = top;
		}
		cp_store_sa_mark(s, sa->spi, sa->dir, x->mark, x->ahead);
	}
}
