/* SPDX-License-Identifier: BSD-3-Clause */
/* dsmip-ctl: telemetry and control sockets, replies through jansson (see ctl_tel.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_tel.h"

/* DPDK 22.11's telemetry replies are at most 16 KiB; room to spare for a later library */
#define TEL_MAX 65536
#define RUNDIR "/var/run/dpdk"

const char *ctl_prefix = "rte";

int
ctl_connect(const char *name, int type)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s/%s/%s", RUNDIR, ctl_prefix, name);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		fprintf(stderr, "dsmip-ctl: %s: %s (is dsmip-ha running with --file-prefix %s?)\n",
			a.sun_path, strerror(errno), ctl_prefix);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* One telemetry command; its JSON text (caller frees), or NULL. */
static char *
tel_text(const char *cmd)
{
	char *buf = malloc(TEL_MAX);
	int fd = ctl_connect("dpdk_telemetry.v2", SOCK_SEQPACKET);
	ssize_t n;

	if (fd < 0 || buf == NULL)
		goto fail;
	/* the server speaks first: its version and limits */
	if (recv(fd, buf, TEL_MAX - 1, 0) <= 0 || send(fd, cmd, strlen(cmd), 0) < 0)
		goto fail;
	n = recv(fd, buf, TEL_MAX - 1, 0);
	if (n <= 0)
		goto fail;
	buf[n] = '\0';
	close(fd);
	return buf;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

json_t *
ctl_tel(const char *cmd, json_t **body, char **text_out)
{
	char *text = tel_text(cmd);
	json_error_t err;
	json_t *root = text != NULL ? json_loads(text, 0, &err) : NULL;
	char name[64];

	/* a counter past INT64_MAX is an integer jansson refuses: read such a reply as reals */
	if (text != NULL && root == NULL)
		root = json_loads(text, JSON_DECODE_INT_AS_REAL, &err);

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(cmd, ","), cmd);
	*body = root != NULL ? json_object_get(root, name) : NULL;
	if (text != NULL && root == NULL) {
		fprintf(stderr, "dsmip-ctl: %s: unreadable reply (line %d: %s)\n", cmd, err.line,
			err.text);
	} else if (!json_is_object(*body)) {
		/* the telemetry library answers a refused command with null, whatever the cause */
		fprintf(stderr, "dsmip-ctl: %s: %s\n", cmd, text == NULL ? "no answer" :
			strchr(cmd, ',') != NULL ?
			"not found (or the control plane did not answer within 1 s)" :
			"refused (is the home agent shutting down?)");
	}
	if (!json_is_object(*body)) {
		json_decref(root);
		root = NULL;
		*body = NULL;
	}
	if (root != NULL && text_out != NULL)
		*text_out = text;
	else
		free(text);
	return root;
}

double
ctl_num(const json_t *o, const char *key)
{
	const json_t *v = o != NULL ? json_object_get(o, key) : NULL;

	if (json_is_true(v))
		return 1;
	return json_is_number(v) ? json_number_value(v) : 0;
}

const char *
ctl_scalar(const json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.17g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, len, "%s", json_is_true(v) ? "true" : "false");
	else
		snprintf(buf, len, "-");
	return buf;
}

const char *
ctl_str(const json_t *o, const char *key)
{
	/* a row prints up to ~10 members in one printf: 16 buffers outlive any one call */
	static char ring[16][256];
	static unsigned int next;
	char *b = ring[next++ % 16];

	return ctl_scalar(o != NULL ? json_object_get(o, key) : NULL, b, sizeof(ring[0]));
}
