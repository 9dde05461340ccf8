/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer: a stream of XFRM netlink messages (what a relay socket or the kernel delivers)
 * through cp_xfrm_parse into the mirror (cp_ike). The backend keeps what is installed and
 * aborts when the mirror breaks a rule: a remove of something not installed, two current
 * SAs of one node, role and direction after an install, an SA of a node that does not exist.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "cp_ike.h"
#include "cp_xfrm.h"

#define SLOTS 64
#define NODES 4

struct held {
	bool used;
	bool current;
	uint32_t mn;
	struct cfg_sa sa;
};

static struct held held[SLOTS];

/* addresses 2001:db8:1::1xx (xx < NODES) are home addresses; ...::1 is the home agent */
static uint32_t
node_of(void *arg, const struct in6_addr *a)
{
	(void)arg;
	if (a->s6_addr[14] == 1 && a->s6_addr[15] < NODES)
		return a->s6_addr[15];
	return CP_IKE_NONE;
}

static bool
is_ha(void *arg, const struct in6_addr *a)
{
	(void)arg;
	return a->s6_addr[14] == 0 && a->s6_addr[15] == 1;
}

static int
install(void *arg, uint32_t mn, const struct cfg_sa *sa, uint32_t *handle, uint32_t *prev)
{
	uint32_t i, slot = CP_IKE_NONE;

	(void)arg;
	if (mn >= NODES)
		abort();
	*prev = CP_IKE_NONE;
	for (i = 0; i < SLOTS; i++)
		if (!held[i].used && slot == CP_IKE_NONE)
			slot = i;
	if (slot == CP_IKE_NONE)
		return -ENOSPC;
	for (i = 0; i < SLOTS; i++)
		if (held[i].used && held[i].current && held[i].mn == mn &&
		    held[i].sa.dir == sa->dir && held[i].sa.role == sa->role) {
			held[i].current = false;
			*prev = i;
		}
	held[slot] = (struct held){ .used = true, .current = true, .mn = mn, .sa = *sa };
	*handle = slot;
	return 0;
}

static void
remove_sa(void *arg, uint32_t mn, uint32_t handle, const struct cfg_sa *sa)
{
	(void)arg;
	if (handle >= SLOTS || !held[handle].used || held[handle].mn != mn ||
	    held[handle].sa.spi != sa->spi)
		abort();
	held[handle].used = false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cp_ike_ops ops = { .node_of = node_of, .is_ha = is_ha, .install = install,
				  .remove = remove_sa };
	struct cp_ike *k = cp_ike_create(&ops, SLOTS);
	uint8_t *buf = malloc(size + 4);
	size_t off, n;
	uint32_t i, j;

	if (k == NULL || buf == NULL)
		abort();
	memset(held, 0, sizeof(held));
	/* netlink messages are 4-byte aligned in a socket buffer: so here */
	memcpy(buf, data, size);
	for (off = 0; (n = cp_xfrm_msg_len(buf + off, size - off)) != 0; off += n) {
		struct cp_xfrm_event ev;
		char why[200];

		if (cp_xfrm_parse(buf + off, n, &ev, why, sizeof(why)) == 0)
			cp_ike_event(k, &ev);
		/* at most one current SA per node, role and direction */
		for (i = 0; i < SLOTS; i++)
			for (j = i + 1; j < SLOTS; j++)
				if (held[i].used && held[j].used && held[i].current &&
				    held[j].current && held[i].mn == held[j].mn &&
				    held[i].sa.dir == held[j].sa.dir &&
				    held[i].sa.role == held[j].sa.role)
					abort();
	}
	cp_ike_free(k);
	free(buf);
	return 0;
}
