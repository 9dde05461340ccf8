/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's timers: one per node (binding expiry, NAT staleness, end of the
 * deregistration hold) on a lazy wheel of one-second slots (cp_internal.h), the DAD
 * deadlines and the Binding Revocations' retransmissions (cp_revoke.c). CP lcore only.
 */
#include <stdlib.h>

#include "cp_internal.h"
#include "ha_addr.h"
#include "ha_log.h"

void
cp_timer_unlink(struct cp *cp, uint32_t mn)
{
	cp->binds[mn].timer_ms = 0;   /* its record, if any, no longer matches */
}

static void
timer_set(struct cp *cp, uint32_t mn, uint64_t at_ms)
{
	struct cp_bind *b = &cp->binds[mn];
	struct cp_slot *s;

	if (at_ms != 0 && at_ms / 1000 < cp->wheel_sec)
		at_ms = cp->wheel_sec * 1000;   /* never earlier than the slot being processed */
	if (b->timer_ms != 0 && b->timer_ms / 1000 == at_ms / 1000) {
		b->timer_ms = at_ms;           /* same second: its record stays valid */
		return;
	}
	b->timer_ms = at_ms;
	if (at_ms == 0)
		return;
	s = &cp->wheel[(at_ms / 1000) % CP_WHEEL];
	if (s->n == s->cap) {
		uint32_t cap = s->cap != 0 ? 2 * s->cap : 64;
		struct cp_trec *r = realloc(s->r, sizeof(*r) * cap);

		if (r == NULL) {
			cp->timers_lost = true;
			return;
		}
		s->r = r;
		s->cap = cap;
	}
	s->r[s->n++] = (struct cp_trec){ mn, (uint32_t)(at_ms / 1000) };
}

/* The earliest thing to look at for a node: expiry, staleness, end of hold. */
void
cp_timer_rearm(struct cp *cp, uint32_t mn)
{
	const struct cp_bind *b = &cp->binds[mn];
	uint64_t at = 0;

	if (b->state == CP_BIND_ACTIVE) {
		at = b->expires_ms;
		if (b->nat && !b->stale) {
			uint64_t st = b->keepalive_ms + 1000ull *
				      (cp->cfg->policy.nat_refresh + cp->cfg->policy.nat_grace);

			if (st < at)
				at = st;
		}
	} else if (b->state == CP_BIND_HOLD) {
		at = b->hold_until_ms;
	}
	timer_set(cp, mn, at);
}

static void
timer_fire(struct cp *cp, uint32_t idx, uint64_t now_ms)
{
	struct cp_mn *m = cp_mndb_get(cp->db, idx);
	struct cp_bind *b = &cp->binds[idx];
	char a[HA_ADDR_STRLEN];

	if (m == NULL)
		return;
	if (b->state == CP_BIND_ACTIVE && now_ms >= b->expires_ms) {
		cp->stats.expired++;
		cp_binding_delete(cp, m, "expired", now_ms, false);
		return;
	}
	if (b->state == CP_BIND_ACTIVE && b->nat && !b->stale &&
	    now_ms >= b->keepalive_ms + 1000ull * (cp->cfg->policy.nat_refresh +
						    cp->cfg->policy.nat_grace)) {
		/* not deleted before its lifetime: only shown as stale */
		b->stale = true;
		cp->stats.stale_marked++;
		CP_AUDIT("binding stale %s hoa %s: no NAT keepalive for %u s", m->id,
			 ha_addr6_str(&m->hoa6, a, sizeof(a)),
			 cp->cfg->policy.nat_refresh + cp->cfg->policy.nat_grace);
	}
	if (b->state == CP_BIND_HOLD && now_ms >= b->hold_until_ms) {
		b->state = CP_BIND_NONE;
		b->seq_valid = false;
		cp_mark(cp, idx);
	}
	cp_timer_rearm(cp, idx);
}

void
cp_tick(struct cp *cp, uint64_t now_ms)
{
	uint64_t now_sec = now_ms / 1000;
	unsigned int i;

	for (i = 0; i < cp->n_dad;) {
		uint32_t idx = cp->dad[i];

		if (cp->binds[idx].pending != NULL &&
		    now_ms >= cp->binds[idx].pending->deadline_ms) {
			cp_dad_done(cp, idx, false, now_ms);   /* removes entry i */
			continue;
		}
		i++;
	}
	cp_revoke_tick(cp, now_ms);
	if (cp->wheel_sec == 0)
		cp->wheel_sec = now_sec;
	while (cp->wheel_sec <= now_sec) {
		struct cp_slot *s = &cp->wheel[cp->wheel_sec % CP_WHEEL], run = *s;
		uint32_t k;

		/* take the slot's records: firing re-arms into fresh arrays */
		s->r = NULL;
		s->n = s->cap = 0;
		for (k = 0; k < run.n; k++) {
			struct cp_trec rec = run.r[k];
			struct cp_bind *b = &cp->binds[rec.mn];

			if (b->timer_ms == 0 || b->timer_ms / 1000 != rec.sec)
				continue;   /* cancelled or re-armed elsewhere */
			if (rec.sec > cp->wheel_sec) {
				uint64_t at = b->timer_ms;

				b->timer_ms = 0;   /* a later turn of the wheel: keep it */
				timer_set(cp, rec.mn, at);
				continue;
			}
			b->timer_ms = 0;
			timer_fire(cp, rec.mn, now_ms);
		}
		if (s->r == NULL) {
			s->r = run.r;           /* reuse the array */
			s->cap = run.cap;
		} else {
			free(run.r);
		}
		if (cp->wheel_sec == now_sec)
			break;
		cp->wheel_sec++;
	}
	if (cp->timers_lost) {
		uint32_t j;

		/* out of memory for a timer record once: look at every node */
		cp->timers_lost = false;
		for (j = 0; j < cp->capacity; j++)
			if (cp->binds[j].state == CP_BIND_ACTIVE ||
			    cp->binds[j].state == CP_BIND_HOLD)
				timer_fire(cp, j, now_ms);
	}
}

void
cp_timers_free(struct cp *cp)
{
	unsigned int i;

	for (i = 0; i < CP_WHEEL; i++)
		free(cp->wheel[i].r);
}
