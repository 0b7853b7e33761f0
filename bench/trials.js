// The benchmark matrix: each trial runs in its own child process (PMEM_IS_PMEM_FORCE is read once per
// process). `group` trials are compared with each other; `baseline` names the one ratios are against
// (a row that names another in `vs` is compared with that one). `n` fixes the trial's size; `latency`
// reports median times, not rates; `shmOnly` skips the disk class; `mapKeys` sizes a map trial by the
// mode's key count (PMEMTS_BENCH_MAP_KEYS, default 1,000,000).
module.exports = [
  { group: 'bank transfer', name: 'c-transfer', run: ['c', 'transfer'], baseline: true },
  { group: 'bank transfer', name: 'c-transfer-actions', run: ['c', 'transfer-actions'] },
  { group: 'bank transfer', name: 'binding-transfer', run: ['pmemts', 'binding-transfer'] },
  { group: 'bank transfer', name: 'decorators-transfer-wt', run: ['pmemts', 'decorators-transfer-wt'] },
  { group: 'bank transfer', name: 'decorators-transfer-wb', run: ['pmemts', 'decorators-transfer-wb'] },
  { group: 'bank transfer', name: 'lmdb-transfer', run: ['lmdb'] },
  { group: 'bank transfer', name: 'sqlite-transfer', run: ['sqlite'] },
  { group: 'object creation', name: 'c-alloc', run: ['c', 'alloc'], baseline: true },
  { group: 'object creation', name: 'binding-alloc', run: ['pmemts', 'binding-alloc'] },
  { group: 'object creation', name: 'decorators-alloc', run: ['pmemts', 'decorators-alloc'] },
  { group: 'write heat', name: 'heat-off-wt', run: ['pmemts', 'decorators-transfer-wt'], baseline: true },
  { group: 'write heat', name: 'heat-on-wt', run: ['pmemts', 'decorators-transfer-wt-heat'] },
  { group: 'write heat', name: 'heat-off-wb', run: ['pmemts', 'decorators-transfer-wb'] },
  { group: 'write heat', name: 'heat-on-wb', run: ['pmemts', 'decorators-transfer-wb-heat'] },
  // Flushes per line are the same on either medium (notes under the group): the disk class adds nothing.
  ...['wt', 'wb', 'flush'].flatMap((v, i) => [
    { group: 'striped counter vs u64 field', name: `u64-${v}`, run: ['pmemts', `counter:u64-${v}`], baseline: i === 0, shmOnly: true },
    { group: 'striped counter vs u64 field', name: `counter-${v}`, run: ['pmemts', `counter:counter-${v}`], shmOnly: true },
  ]),
  { group: '16-field transaction', name: 'wide-wt', run: ['pmemts', 'wide-wt'], baseline: true },
  { group: '16-field transaction', name: 'wide-wb', run: ['pmemts', 'wide-wb'] },
  { group: 'field read', name: 'field-read', run: ['pmemts', 'field-read'], reads: true },
  // The size: about 20 s of migration on this VM, plus building the pool.
  { group: 'schema migration', name: 'migration', run: ['pmemts', 'migration'], n: 1_000_000, baseline: true, shmOnly: true },
  { group: 'pool open', name: 'pool-open', run: ['pmemts', 'pool-open'], n: 1_000_000, baseline: true, latency: true, shmOnly: true },
  { group: 'region memcpyPersist 4 KiB', name: 'c-memcpy-4k', run: ['region-c', 'memcpy-4k'], baseline: true },
  { group: 'region memcpyPersist 4 KiB', name: 'region-memcpy-4k', run: ['regions', 'memcpy-4k'] },
  { group: 'region memcpyPersist 1 MiB', name: 'c-memcpy-1m', run: ['region-c', 'memcpy-1m'], n: 1000, baseline: true },
  { group: 'region memcpyPersist 1 MiB', name: 'region-memcpy-1m', run: ['regions', 'memcpy-1m'], n: 1000 },
  { group: 'block write 4 KiB', name: 'c-blk-write', run: ['region-c', 'blk-write'], baseline: true },
  { group: 'block write 4 KiB', name: 'blk-write', run: ['regions', 'blk-write'] },
  { group: 'block read 4 KiB', name: 'c-blk-read', run: ['region-c', 'blk-read'], baseline: true, reads: true },
  { group: 'block read 4 KiB', name: 'blk-read', run: ['regions', 'blk-read'], reads: true },
  { group: 'reachability GC', name: 'gc', run: ['script', 'space.js', 'gc'], n: 100_000, baseline: true, shmOnly: true },
  { group: 'defragmentation', name: 'defrag', run: ['script', 'space.js', 'defrag'], n: 100_000, baseline: true, shmOnly: true },
  { group: 'checkpoint (MB/s)', name: 'checkpoint', run: ['script', 'checkpoint.js'], n: 5, baseline: true },
  ...['u64', 'string'].flatMap((keys) => [
    { group: `map, ${keys} keys`, name: `lmdb-map-${keys}`, run: ['collections', 'lmdb', keys], mapKeys: true, shmOnly: true },
    { group: `map, ${keys} keys`, name: `pmemts-map-${keys}`, run: ['collections', 'pmemts', keys], mapKeys: true, shmOnly: true },
    { group: `map, ${keys} keys`, name: `jsmap-${keys}`, run: ['collections', 'jsmap', keys], mapKeys: true, shmOnly: true },
    { group: `map open, ${keys} keys`, name: `map-open-${keys}`, run: ['collections', 'pmemts-open', keys], mapKeys: true, baseline: true, latency: true, shmOnly: true },
  ]),
];
