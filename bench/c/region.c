/*
 * The region and block-store benchmarks in plain C, the baselines of bench/scenarios/regions.js (built by
 * bench/run.js, not shipped). usage: region_c memcpy-4k|memcpy-1m|blk-write|blk-read <pool> <n>
 *   memcpy-4k, memcpy-1m: n persisted copies of 4 KiB / 1 MiB into a 64 MiB allocation, at successive
 *              64-byte aligned offsets: pmem_memcpy_persist when the mapping is PMEM (or forced),
 *              else pmemobj_memcpy_persist (which msyncs; pmem_memcpy_persist would not persist there).
 *   blk-write: n 4 KiB block writes to random LBAs of a 1,024-block store laid out as pmemts lays one out
 *              (docs/regions.md): copy into the spare block and persist, store the LBA's 8-byte map
 *              entry and persist it, the displaced block becomes the spare.
 *   blk-read:  n 4 KiB reads of random LBAs of that store (the map entry, then a memcpy into a buffer).
 * Prints one JSON line: {"impl":...,"scenario":...,"n":...,"opsPerSec":...}.
 */
#include <libpmem.h>
#include <libpmemobj.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BLOCK 4096
#define BLOCKS 1024
#define REGION (64 << 20)

static uint32_t seed = 12345;
static uint32_t next_random(void) { seed = seed * 1103515245u + 12345u; return seed >> 8; }

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static PMEMobjpool *pop;
static int is_pmem;

static void copy_persist(void *dst, const void *src, size_t len) {
	if (is_pmem) pmem_memcpy_persist(dst, src, len);
	else pmemobj_memcpy_persist(pop, dst, src, len);
}

static void persist(void *at, size_t len) {
	if (is_pmem) pmem_persist(at, len);
	else pmemobj_persist(pop, at, len);
}

int main(int argc, char **argv) {
	if (argc != 4) { fprintf(stderr, "usage: region_c memcpy-4k|memcpy-1m|blk-write|blk-read <pool> <n>\n"); return 2; }
	const char *scenario = argv[1], *path = argv[2];
	long n = atol(argv[3]);
	pop = pmemobj_create(path, "bench", 256 << 20, 0666);
	if (pop == NULL) { perror(pmemobj_errormsg()); return 1; }
	PMEMoid oid;
	if (pmemobj_zalloc(pop, &oid, REGION, 1) != 0) { perror("pmemobj_zalloc"); return 1; }
	char *base = pmemobj_direct(oid);
	is_pmem = pmem_is_pmem(base, REGION);
	char *src = aligned_alloc(64, 1 << 20);
	memset(src, 0x5a, 1 << 20);
	double start, elapsed;
	if (strncmp(scenario, "memcpy-", 7) == 0) {
		size_t len = strcmp(scenario, "memcpy-1m") == 0 ? (1 << 20) : BLOCK;
		size_t slots = REGION / len, at = 0;
		start = now();
		for (long i = 0; i < n; i++) {
			copy_persist(base + at * len, src, len);
			at = (at + 1) % slots;
		}
		elapsed = now() - start;
	} else {
		/* pmemts's layout: 64-byte header, the map, then count + 1 blocks at a 64-byte aligned offset. */
		uint64_t *map = (uint64_t *)(base + 64);
		char *data = base + ((64 + 8 * BLOCKS + 63) & ~(size_t)63);
		for (uint64_t lba = 0; lba < BLOCKS; lba++) map[lba] = lba;
		persist(map, 8 * BLOCKS);
		uint64_t spare = BLOCKS;
		int writes = strcmp(scenario, "blk-write") == 0;
		char *buf = aligned_alloc(64, BLOCK);
		start = now();
		for (long i = 0; i < n; i++) {
			uint32_t lba = next_random() % BLOCKS;
			if (writes) {
				copy_persist(data + spare * BLOCK, src, BLOCK);
				uint64_t displaced = map[lba];
				__atomic_store_n(&map[lba], spare, __ATOMIC_RELAXED);
				persist(&map[lba], 8);
				spare = displaced;
			} else {
				memcpy(buf, data + map[lba] * BLOCK, BLOCK);
				__asm__ volatile("" : : "r"(buf) : "memory"); /* the copy is used */
			}
		}
		elapsed = now() - start;
	}
	const char *impl = strcmp(scenario, "blk-read") == 0 ? "c block read (map entry + memcpy)"
		: strcmp(scenario, "blk-write") == 0 ? (is_pmem ? "c block write (pmem_memcpy_persist + map store)" : "c block write (msync)")
		: is_pmem ? "c (pmem_memcpy_persist)" : "c (pmemobj_memcpy_persist, msync)";
	printf("{\"impl\":\"%s\",\"scenario\":\"%s\",\"n\":%ld,\"opsPerSec\":%.0f}\n", impl, scenario, n, n / elapsed);
	pmemobj_close(pop);
	return 0;
}
