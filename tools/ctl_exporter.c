/* SPDX-License-Identifier: BSD-3-Clause */
/* The Prometheus exporter of dsmip-ctl on libmicrohttpd (see ctl_exporter.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "ctl_exporter.h"

#define CONN_TIMEOUT_S 10             /* a connection without progress for this long goes */
#define CONN_LIMIT 128

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned int status, char *body, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, body != NULL ?
								 MHD_RESPMEM_MUST_FREE :
								 MHD_RESPMEM_PERSISTENT);
	enum MHD_Result rc;

	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	if (status == MHD_HTTP_OK)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
					"text/plain; version=0.0.4");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
       const char *version, const char *upload, size_t *upload_len, void **state)
{
	int (*metrics)(FILE *f) = (int (*)(FILE *))cls;
	static int first;
	char *body = NULL;
	size_t len = 0;
	FILE *m;

	(void)version;
	(void)upload;
	if (*state == NULL) {         /* headers only so far: answer with the whole request */
		*state = &first;
		return MHD_YES;
	}
	if (*upload_len != 0) {
		*upload_len = 0;      /* a body nobody asked for is ignored */
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, NULL, 0);
	if (strcmp(url, "/metrics") != 0)
		return reply(c, MHD_HTTP_NOT_FOUND, NULL, 0);
	m = open_memstream(&body, &len);
	if (m == NULL)
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, 0);
	(void)metrics(m);             /* dsmip_up 0 when the home agent does not answer */
	fclose(m);
	return reply(c, MHD_HTTP_OK, body, len);
}

int
ctl_serve_metrics(const char *addr, int port, long max_s, int (*metrics)(FILE *f))
{
	struct sockaddr_storage ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
	time_t end = max_s > 0 ? time(NULL) + max_s : 0;
	struct MHD_Daemon *d;
	struct sigaction sa;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		flags |= MHD_USE_IPv6;
	} else {
		fprintf(stderr, "dsmip-ctl: %s is not an IPv4 or IPv6 address\n", addr);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, answer, (void *)metrics,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONN_TIMEOUT_S,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)CONN_LIMIT,
			     MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "dsmip-ctl: cannot listen on %s port %d: %s\n", addr, port,
			strerror(errno));
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "dsmip-ctl: metrics on http://%s%s%s:%d/metrics\n",
		ss.ss_family == AF_INET6 ? "[" : "", addr, ss.ss_family == AF_INET6 ? "]" : "",
		port);
	while (!stop && (end == 0 || time(NULL) < end))
		sleep(1);
	MHD_stop_daemon(d);
	return 0;
}
