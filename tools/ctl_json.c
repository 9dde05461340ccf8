/* SPDX-License-Identifier: BSD-3-Clause */
/* A small recursive-descent JSON reader (see ctl_json.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_json.h"

#define DEPTH_MAX 32

struct rd {
	const char *p;
	int depth;
};

static void
ws(struct rd *r)
{
	while (isspace((unsigned char)*r->p))
		r->p++;
}

static char *
string(struct rd *r)
{
	size_t cap = 32, len = 0;
	char *s = malloc(cap), *t;

	if (s == NULL || *r->p != '"')
		goto fail;
	r->p++;
	while (*r->p != '"') {
		char c = *r->p++;

		if (c == '\0')
			goto fail;
		if (c == '\\') {
			c = *r->p++;
			c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
			if (c == '\0')
				goto fail;
		}
		if (len + 2 > cap) {
			cap *= 2;
			t = realloc(s, cap);
			if (t == NULL)
				goto fail;
			s = t;
		}
		s[len++] = c;
	}
	r->p++;
	s[len] = '\0';
	return s;
fail:
	free(s);
	return NULL;
}

static struct jnode *value(struct rd *r);

static struct jnode *
node(enum jtype t)
{
	struct jnode *n = calloc(1, sizeof(*n));

	if (n != NULL)
		n->type = t;
	return n;
}

/* members or elements until close; objects read "key": value */
static struct jnode *
list(struct rd *r, enum jtype t, char close)
{
	struct jnode *n = node(t), **tail;

	if (n == NULL || ++r->depth > DEPTH_MAX)
		goto fail;
	tail = &n->child;
	r->p++;
	ws(r);
	if (*r->p == close) {
		r->p++;
		r->depth--;
		return n;
	}
	for (;;) {
		char *key = NULL;
		struct jnode *v;

		ws(r);
		if (t == J_OBJ) {
			key = string(r);
			ws(r);
			if (key == NULL || *r->p != ':') {
				free(key);
				goto fail;
			}
			r->p++;
		}
		v = value(r);
		if (v == NULL) {
			free(key);
			goto fail;
		}
		v->key = key;
		*tail = v;
		tail = &v->next;
		ws(r);
		if (*r->p == ',') {
			r->p++;
			continue;
		}
		if (*r->p != close)
			goto fail;
		r->p++;
		r->depth--;
		return n;
	}
fail:
	json_free(n);
	return NULL;
}

static struct jnode *
value(struct rd *r)
{
	struct jnode *n;
	const char *start;

	ws(r);
	switch (*r->p) {
	case '{':
		return list(r, J_OBJ, '}');
	case '[':
		return list(r, J_ARR, ']');
	case '"':
		n = node(J_STR);
		if (n != NULL && (n->str = string(r)) == NULL) {
			free(n);
			n = NULL;
		}
		return n;
	default:
		break;
	}
	start = r->p;
	while (*r->p != '\0' && strchr(",]} \t\r\n", *r->p) == NULL)
		r->p++;
	if (r->p == start)
		return NULL;
	if (strncmp(start, "true", 4) == 0 || strncmp(start, "false", 5) == 0)
		n = node(J_BOOL);
	else if (strncmp(start, "null", 4) == 0)
		n = node(J_NULL);
	else
		n = node(J_NUM);
	if (n == NULL)
		return NULL;
	n->str = strndup(start, (size_t)(r->p - start));
	if (n->str == NULL) {
		free(n);
		return NULL;
	}
	n->num = n->type == J_BOOL ? (start[0] == 't') : strtod(n->str, NULL);
	return n;
}

struct jnode *
json_parse(const char *text)
{
	struct rd r = { .p = text };
	struct jnode *n = value(&r);

	ws(&r);
	if (n != NULL && *r.p != '\0') {
		json_free(n);
		return NULL;
	}
	return n;
}

void
json_free(struct jnode *n)
{
	while (n != NULL) {
		struct jnode *next = n->next;

		json_free(n->child);
		free(n->key);
		free(n->str);
		free(n);
		n = next;
	}
}

const struct jnode *
json_get(const struct jnode *n, const char *key)
{
	const struct jnode *c;

	for (c = n != NULL ? n->child : NULL; c != NULL; c = c->next)
		if (c->key != NULL && strcmp(c->key, key) == 0)
			return c;
	return NULL;
}

double
json_num(const struct jnode *n, const char *key)
{
	const struct jnode *v = json_get(n, key);

	return v != NULL ? v->num : 0;
}
