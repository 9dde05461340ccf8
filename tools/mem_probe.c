/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mem-probe: what a cache line from memory costs on this machine, the bound under the
 * million-SA and million-binding figures (README "ESP at scale, part 4").
 *
 *   mem-probe [--size MIB] [--no-huge]
 *
 * Random cache lines spread over MIB of memory (default 4096: a million nodes' SAs span
 * about that), on 2 MiB hugepages when there are free ones. Each line holds the address
 * of the next in one random cycle; k chains walk it at once, so that the core has k misses
 * in flight: k = 1 is the latency of one miss, large k the most lines per second the core
 * can bring in (what a burst-wide prefetch runs into). Prints one line per k: nanoseconds
 * and TSC cycles per line.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define LINE 64u
#define LINES_WALKED (1u << 22)     /* distinct lines in the cycle: 256 MiB of them */
#define STEPS (1u << 22)            /* lines read per measurement */
#define MAX_CHAINS 64

static volatile uintptr_t sink;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t
tsc(void)
{
#if defined(__x86_64__)
	return __builtin_ia32_rdtsc();
#else
	return 0;
#endif
}

/* xorshift64*: the layout only needs to defeat the hardware prefetchers */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static void *
map_area(size_t bytes, int huge, const char **kind)
{
	void *m = MAP_FAILED;

	if (huge) {
		m = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
		*kind = "2M";
	}
	if (m == MAP_FAILED) {
		m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		*kind = "4K";
	}
	return m == MAP_FAILED ? NULL : m;
}

/*
 * One random cycle through n lines of the area, a line chosen in each of n equal strides
 * (so they are distinct and cover the whole area). @return the lines in cycle order.
 */
static char **
build_cycle(char *area, size_t bytes, size_t n)
{
	char **at = malloc(n * sizeof(*at));
	size_t stride = bytes / LINE / n, i;
	uint64_t s = 0x9e3779b97f4a7c15ull;

	if (at == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		at[i] = area + (i * stride + rnd(&s) % stride) * LINE;
	for (i = n - 1; i > 0; i--) {      /* Fisher-Yates: a random order */
		size_t j = rnd(&s) % (i + 1);
		char *t = at[i];

		at[i] = at[j];
		at[j] = t;
	}
	for (i = 0; i < n; i++)
		*(char **)at[i] = at[(i + 1) % n];
	return at;
}

static void
walk(char **at, size_t n, unsigned k, const char *kind, size_t mib)
{
	char *p[MAX_CHAINS];
	uint64_t t0, c0;
	unsigned c;
	size_t i, rounds = STEPS / k;

	for (c = 0; c < k; c++)
		p[c] = at[c * (n / k)];
	t0 = now_ns();
	c0 = tsc();
	for (i = 0; i < rounds; i++)
		for (c = 0; c < k; c++)
			p[c] = *(char **)p[c];
	c0 = tsc() - c0;
	t0 = now_ns() - t0;
	for (c = 0; c < k; c++)          /* the walks' results are used: they stay */
		sink ^= (uintptr_t)p[c];
	printf("MEMPROBE size_mib=%zu pages=%s chains=%u ns_per_line=%.2f tsc_per_line=%.1f\n",
	       mib, kind, k, (double)t0 / (double)(rounds * k), (double)c0 / (double)(rounds * k));
}

int
main(int argc, char **argv)
{
	static const unsigned chains[] = { 1, 4, 8, 16, 24, 32, 48 };
	size_t mib = 4096, bytes, n;
	const char *kind = "";
	int huge = 1, i;
	char *area, **at;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--size") == 0 && i + 1 < argc) {
			mib = strtoull(argv[++i], NULL, 0);
		} else if (strcmp(argv[i], "--no-huge") == 0) {
			huge = 0;
		} else {
			fprintf(stderr, "usage: %s [--size MIB] [--no-huge]\n", argv[0]);
			return 2;
		}
	}
	if (mib < 256) {
		fprintf(stderr, "mem-probe: --size %zu: at least 256 MiB (%u lines)\n", mib,
			LINES_WALKED);
		return 2;
	}
	bytes = mib << 20;
	n = LINES_WALKED;
	area = map_area(bytes, huge, &kind);
	if (area == NULL) {
		fprintf(stderr, "mem-probe: %zu MiB: %s\n", mib, strerror(errno));
		return 1;
	}
	at = build_cycle(area, bytes, n);
	if (at == NULL) {
		fprintf(stderr, "mem-probe: no memory for the cycle\n");
		return 1;
	}
	walk(at, n, 1, kind, mib);          /* warm up: page tables, the first touch */
	for (i = 0; i < (int)(sizeof(chains) / sizeof(chains[0])); i++)
		walk(at, n, chains[i], kind, mib);
	free(at);
	munmap(area, bytes);
	return 0;
}
