/* SPDX-License-Identifier: BSD-3-Clause */
/* The control plane's writer side of the binding cache: struct cp_ops over struct bc. */
#ifndef CP_BCW_H
#define CP_BCW_H

#include "bc.h"
#include "cp.h"

struct dp_ctx;

struct cp_bcw {
	struct bc *bc;
	struct bc_tmpl_src src;       /**< outer source addresses of the templates */
	const struct dp_ctx *ctx;     /**< with adjacencies (cp_bcw_set_adj), else NULL */
};

/** Set up w from cfg (the home agent's addresses) and fill the binding-cache ops of ops. */
void cp_bcw_init(struct cp_bcw *w, struct bc *bc, const struct ha_cfg *cfg, struct cp_ops *ops);

/** Stack every binding published from now on on an adjacency of ctx (its adjt): the
 *  route toward its care-of address resolved once (dataplane/dp_adj.h). */
void cp_bcw_set_adj(struct cp_bcw *w, const struct dp_ctx *ctx);

/** Fill e from a control-plane binding (exposed for tests). Pure. */
void cp_bcw_fill(struct bc_entry *e, const struct cp_mn *m, const struct cp_bind *b,
		 const struct bc_tmpl_src *src);

#endif /* CP_BCW_H */
