/*
 * pmemts_probe: opens or checks a pool in a child process, so that libpmemobj crashing on a corrupted
 * pool (it can SIGSEGV inside pmemobj_open and pmemobj_check) ends this process, not the caller.
 * Wraps pmemobj_open, pmemobj_first/next, pmemobj_close, pmemobj_check.
 *
 * usage: pmemts_probe open|walk|check <path> <layout>
 * exit 0: opened (open/walk) or consistent (check); 1: inconsistent (check); 2: usage;
 * 3: could not open, stdout holds "<errno>\t<pmemobj_errormsg()>".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libpmemobj.h>

static int fail_open(void) {
	int err = errno;
	printf("%d\t%s\n", err, pmemobj_errormsg());
	return 3;
}

int main(int argc, char **argv) {
	if (argc != 4)
		return 2;
	const char *mode = argv[1], *path = argv[2], *layout = argv[3];

	if (strcmp(mode, "check") == 0) {
		int r = pmemobj_check(path, layout);
		if (r == 1)
			return 0;
		if (r == 0) {
			printf("0\t%s\n", pmemobj_errormsg());
			return 1;
		}
		return fail_open();
	}
	if (strcmp(mode, "open") != 0 && strcmp(mode, "walk") != 0)
		return 2;

	PMEMobjpool *pop = pmemobj_open(path, layout);
	if (pop == NULL)
		return fail_open();
	if (strcmp(mode, "walk") == 0) {
		unsigned long long count = 0;
		for (PMEMoid oid = pmemobj_first(pop); !OID_IS_NULL(oid); oid = pmemobj_next(oid)) {
			(void) pmemobj_type_num(oid);
			(void) pmemobj_alloc_usable_size(oid);
			count++;
		}
		printf("0\t%llu objects\n", count);
	}
	pmemobj_close(pop);
	return 0;
}
