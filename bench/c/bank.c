/*
 * The bank workload in plain C on libpmemobj, the baseline of bench/run.js (built by it, not shipped).
 * usage: bank_c transfer|transfer-actions|alloc <pool> <n>
 *   transfer:         10,000 accounts of 64 bytes (one object each); each transaction moves 1 unit between
 *                     two random accounts: two 8-byte snapshots (undo log) and two writes.
 *   transfer-actions: the same transfer through the action API: two pmemobj_set_value actions and one
 *                     pmemobj_publish (redo log), libpmemobj's other atomic commit.
 *   alloc:            each transaction allocates one 64-byte object (pmemobj_tx_alloc).
 * Prints one JSON line: {"impl":"c-libpmemobj","scenario":...,"opsPerSec":...}.
 */
#include <libpmemobj.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ACCOUNTS 10000
#define ACCOUNT_SIZE 64
#define ACCOUNT_TYPE 1

static uint32_t seed = 12345;
static uint32_t next_random(void) { seed = seed * 1103515245u + 12345u; return seed >> 8; }

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
	if (argc != 4) { fprintf(stderr, "usage: bank_c transfer|transfer-actions|alloc <pool> <n>\n"); return 2; }
	const char *scenario = argv[1], *path = argv[2];
	long n = atol(argv[3]);
	PMEMobjpool *pop = pmemobj_create(path, "bench", 256 << 20, 0666);
	if (pop == NULL) { perror(pmemobj_errormsg()); return 1; }
	double start, elapsed;
	if (strcmp(scenario, "alloc") == 0) {
		start = now();
		for (long i = 0; i < n; i++) {
			TX_BEGIN(pop) { pmemobj_tx_alloc(ACCOUNT_SIZE, ACCOUNT_TYPE); } TX_ONABORT { return 1; } TX_END
		}
		elapsed = now() - start;
	} else {
		int actions = strcmp(scenario, "transfer-actions") == 0;
		PMEMoid *accounts = malloc(sizeof(PMEMoid) * ACCOUNTS);
		TX_BEGIN(pop) {
			for (int i = 0; i < ACCOUNTS; i++) {
				accounts[i] = pmemobj_tx_zalloc(ACCOUNT_SIZE, ACCOUNT_TYPE);
				*(int64_t *)pmemobj_direct(accounts[i]) = 1000000;
			}
		} TX_END
		start = now();
		for (long i = 0; i < n; i++) {
			uint32_t a = next_random() % ACCOUNTS, b = next_random() % ACCOUNTS;
			if (a == b) b = (b + 1) % ACCOUNTS;
			int64_t *from = pmemobj_direct(accounts[a]), *to = pmemobj_direct(accounts[b]);
			if (actions) {
				struct pobj_action act[2];
				pmemobj_set_value(pop, &act[0], (uint64_t *)from, (uint64_t)(*from - 1));
				pmemobj_set_value(pop, &act[1], (uint64_t *)to, (uint64_t)(*to + 1));
				if (pmemobj_publish(pop, act, 2) != 0) return 1;
				continue;
			}
			TX_BEGIN(pop) {
				pmemobj_tx_add_range_direct(from, 8);
				pmemobj_tx_add_range_direct(to, 8);
				*from -= 1;
				*to += 1;
			} TX_ONABORT { return 1; } TX_END
		}
		elapsed = now() - start;
		int64_t total = 0;
		for (int i = 0; i < ACCOUNTS; i++) total += *(int64_t *)pmemobj_direct(accounts[i]);
		if (total != (int64_t)ACCOUNTS * 1000000) { fprintf(stderr, "invariant broken: %lld\n", (long long)total); return 1; }
	}
	printf("{\"impl\":\"%s\",\"scenario\":\"%s\",\"n\":%ld,\"opsPerSec\":%.0f}\n", strcmp(scenario, "transfer-actions") == 0 ? "c-libpmemobj (actions)" : "c-libpmemobj", scenario, n, n / elapsed);
	pmemobj_close(pop);
	return 0;
}
