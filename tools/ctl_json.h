/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A small JSON reader for dsmip-ctl: what DPDK's telemetry socket returns (objects, arrays,
 * strings without escapes beyond \" \\ \/ \n \t, numbers, true/false/null), into a tree.
 */
#ifndef CTL_JSON_H
#define CTL_JSON_H

#include <stddef.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jnode {
	enum jtype type;
	char *key;                    /**< member name inside an object, else NULL */
	char *str;                    /**< J_STR; J_NUM and J_BOOL keep their text here too */
	double num;
	struct jnode *child;          /**< first member or element */
	struct jnode *next;           /**< next sibling */
};

/** Parse text. @return the root, or NULL (malformed or out of memory). */
struct jnode *json_parse(const char *text);
void json_free(struct jnode *n);

/** Member key of object n, or NULL. */
const struct jnode *json_get(const struct jnode *n, const char *key);

/** Number of member key (0 when absent). */
double json_num(const struct jnode *n, const char *key);

#endif /* CTL_JSON_H */
