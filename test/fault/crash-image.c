/*
 * LD_PRELOAD library that simulates power failures for one pool file. It interposes the libpmem calls
 * libpmemobj makes (flush, drain, persist, msync, deep flush, memcpy/memmove/memset with their flags)
 * and libc's msync, and keeps a shadow image of the pool that holds only what real hardware would
 * have made durable: a cache line's content as of its flush, applied at the next fence (drain).
 *
 * Environment:
 *   PMEMTS_CRASH_POOL    the pool file (its mapping is found in /proc/self/maps)
 *   PMEMTS_CRASH_OUT     prefix of the images written
 *   PMEMTS_CRASH_EVERY   write an image at every Nth drain (default 1)
 *   PMEMTS_CRASH_EVICT   also write "<prefix>.<n>.evict" where a seeded random half of the dirty,
 *                        never-flushed 8-byte words reached the media too (early cache evictions)
 *   PMEMTS_CRASH_DROP    drop the Nth flush (0: none), to study which lost flushes matter
 * At each image it writes the line "image <n>" to stdout, so a workload printing its acknowledged
 * commits on the same descriptor tells the checker which commits precede which image.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define LINE 64
#define F_NODRAIN (1U << 0)
#define F_NOFLUSH (1U << 5)

static char pool_path[4096];
static const char *out_prefix;
static unsigned char *shadow;
static size_t pool_size;
static char *base;
static unsigned long drains, flushes, every = 1, drop_at;
static int evict;

struct pending { size_t off; unsigned char bytes[LINE]; };
static struct pending *pend;
static size_t npend, cap;

__attribute__((constructor)) static void init(void) {
	const char *p = getenv("PMEMTS_CRASH_POOL");
	out_prefix = getenv("PMEMTS_CRASH_OUT");
	if (!p || !out_prefix || !realpath(p, pool_path)) return;
	if (getenv("PMEMTS_CRASH_EVERY")) every = strtoul(getenv("PMEMTS_CRASH_EVERY"), NULL, 10);
	if (getenv("PMEMTS_CRASH_DROP")) drop_at = strtoul(getenv("PMEMTS_CRASH_DROP"), NULL, 10);
	evict = getenv("PMEMTS_CRASH_EVICT") != NULL;
	if (every == 0) every = 1;
	/* The durable state at start is the file as it is before anything maps it. */
	int fd = open(pool_path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) return;
	pool_size = st.st_size;
	shadow = malloc(pool_size);
	size_t done = 0;
	while (done < pool_size) {
		ssize_t r = pread(fd, shadow + done, pool_size - done, done);
		if (r <= 0) break;
		done += r;
	}
	close(fd);
}

/* The pool's mapping, looked up once it exists, and again after it is unmapped (a close and reopen
 * may map the pool at another address: a stale base would read unmapped memory). */
static int find_base(void) {
	if (base) return 1;
	if (!shadow) return 0;
	FILE *maps = fopen("/proc/self/maps", "r");
	if (!maps) return 0;
	char line[8192];
	while (fgets(line, sizeof line, maps)) {
		unsigned long start, end, offset;
		char path[4096] = "";
		if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %4095s", &start, &end, &offset, path) >= 3 &&
		    offset == 0 && strcmp(path, pool_path) == 0 && end - start >= pool_size) {
			base = (char *)start;
			break;
		}
	}
	fclose(maps);
	return base != NULL;
}

static void flush_range(const void *addr, size_t len) {
	if (!find_base() || len == 0) return;
	char *a = (char *)addr;
	if (a < base || a >= base + pool_size) return;
	size_t from = (size_t)(a - base) & ~(size_t)(LINE - 1);
	size_t to = (size_t)(a - base) + len;
	if (to > pool_size) to = pool_size;
	for (size_t off = from; off < to; off += LINE) {
		if (++flushes == drop_at) continue; /* the canary's lost flush */
		if (npend == cap) {
			cap = cap ? cap * 2 : 1024;
			pend = realloc(pend, cap * sizeof *pend);
		}
		pend[npend].off = off;
		memcpy(pend[npend].bytes, base + off, LINE);
		npend++;
	}
}

static void write_image(const char *name, const unsigned char *bytes) {
	int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) return;
	size_t done = 0;
	while (done < pool_size) {
		ssize_t w = write(fd, bytes + done, pool_size - done);
		if (w <= 0) break;
		done += w;
	}
	close(fd);
}

static void fence(void) {
	if (!base) return;
	for (size_t i = 0; i < npend; i++) memcpy(shadow + pend[i].off, pend[i].bytes, LINE);
	npend = 0;
	drains++;
	if (drains % every != 0) return;
	char name[4200];
	snprintf(name, sizeof name, "%s.%lu", out_prefix, drains);
	write_image(name, shadow);
	if (evict) {
		unsigned char *copy = malloc(pool_size);
		memcpy(copy, shadow, pool_size);
		uint64_t *s = (uint64_t *)copy, *m = (uint64_t *)base;
		uint32_t seed = (uint32_t)drains * 2654435761u;
		for (size_t w = 0; w < pool_size / 8; w++) {
			if (s[w] == m[w]) continue;
			seed = seed * 1103515245u + 12345u;
			if (seed & 0x10000) s[w] = m[w];
		}
		snprintf(name, sizeof name, "%s.%lu.evict", out_prefix, drains);
		write_image(name, copy);
		free(copy);
	}
	char msg[64];
	int n = snprintf(msg, sizeof msg, "image %lu\n", drains);
	if (write(1, msg, n) < 0) return;
}

/* Node loads addons RTLD_LOCAL, so RTLD_NEXT cannot see libpmem: ask the library itself. */
static void *real_symbol(const char *name) {
	if (strncmp(name, "pmem_", 5) != 0) return dlsym(RTLD_NEXT, name);
	static void *libpmem;
	if (!libpmem) libpmem = dlopen("libpmem.so.1", RTLD_NOW | RTLD_NOLOAD);
	if (!libpmem) libpmem = dlopen("libpmem.so.1", RTLD_NOW);
	return libpmem ? dlsym(libpmem, name) : NULL;
}

#define REAL(ret, name, args) static ret(*real)args; if (!real) real = (ret(*)args)real_symbol(name)

void pmem_flush(const void *addr, size_t len) { REAL(void, "pmem_flush", (const void *, size_t)); real(addr, len); flush_range(addr, len); }
void pmem_drain(void) { REAL(void, "pmem_drain", (void)); real(); fence(); }
void pmem_persist(const void *addr, size_t len) { REAL(void, "pmem_persist", (const void *, size_t)); real(addr, len); flush_range(addr, len); fence(); }
void pmem_deep_flush(const void *addr, size_t len) { REAL(void, "pmem_deep_flush", (const void *, size_t)); real(addr, len); flush_range(addr, len); fence(); }
int pmem_msync(const void *addr, size_t len) { REAL(int, "pmem_msync", (const void *, size_t)); int r = real(addr, len); flush_range(addr, len); fence(); return r; }
int munmap(void *addr, size_t len) {
	REAL(int, "munmap", (void *, size_t));
	char *a = (char *)addr;
	if (base && a <= base && base < a + len) {
		/* libpmemobj drains before it unmaps at close: nothing flushed is still pending. */
		npend = 0;
		base = NULL;
	}
	return real(addr, len);
}
int msync(void *addr, size_t len, int flags) { REAL(int, "msync", (void *, size_t, int)); int r = real(addr, len, flags); flush_range(addr, len); fence(); return r; }

static void after_copy(void *dest, size_t len, unsigned flags) {
	if (!(flags & F_NOFLUSH)) flush_range(dest, len);
	if (!(flags & F_NODRAIN)) fence();
}
void *pmem_memcpy(void *d, const void *s, size_t len, unsigned flags) { REAL(void *, "pmem_memcpy", (void *, const void *, size_t, unsigned)); void *r = real(d, s, len, flags); after_copy(d, len, flags); return r; }
void *pmem_memmove(void *d, const void *s, size_t len, unsigned flags) { REAL(void *, "pmem_memmove", (void *, const void *, size_t, unsigned)); void *r = real(d, s, len, flags); after_copy(d, len, flags); return r; }
void *pmem_memset(void *d, int c, size_t len, unsigned flags) { REAL(void *, "pmem_memset", (void *, int, size_t, unsigned)); void *r = real(d, c, len, flags); after_copy(d, len, flags); return r; }
