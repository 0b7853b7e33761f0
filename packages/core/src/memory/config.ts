/**
 * HybridMemoryConfig: where an object's bytes live and when they reach persistent memory.
 * The full guarantees of every combination are in docs/guarantees.md.
 */

/** A tier of the memory hierarchy. */
export enum MemoryTier {
  /** The pool's mapping: persistent memory (DAX), or a file whose flushes are msync. */
  PMEM = 'pmem',
  /** Ordinary process memory: fast, lost with the process. */
  StandardDRAM = 'dram',
}

/** How stores reach the primary tier. */
export enum WritePolicy {
  /** Every store goes to the pool mapping at once (after its undo snapshot). Reads come from the mapping. */
  WriteThrough = 'write-through',
  /**
   * Stores change a DRAM copy and mark the range dirty; dirty ranges are snapshotted and copied to the
   * pool in one native call at commit (or at `pool.flush()` for non-transactional levels). Reads come
   * from DRAM.
   */
  WriteBack = 'write-back',
}

/** What a store promises once it has returned (write-through) or been committed/flushed (write-back). */
export enum PersistenceLevel {
  /** Stores must happen inside runTransaction: undo-logged, atomic, durable at commit. */
  Transaction = 'transaction',
  /** Each store (write-through) or each `pool.flush()` (write-back) is flushed and fenced; not atomic across fields. */
  Flush = 'flush',
  /** No flushes: survives a process crash through the mapping's page cache, not a power loss. */
  None = 'none',
}

/** The brief's HybridMemoryConfig. Settable per pool (default for every class) and per class. */
export interface HybridMemoryConfig {
  /** Where the object's persistent bytes live. Only PMEM is supported. @defaultValue MemoryTier.PMEM */
  primaryStorage?: MemoryTier.PMEM;
  /** DRAM tier in front of PMEM, or null for none. Write-back needs it. @defaultValue null */
  cacheTier?: MemoryTier.StandardDRAM | null;
  /** @defaultValue WritePolicy.WriteThrough (WriteBack when cacheTier is StandardDRAM) */
  writePolicy?: WritePolicy;
  /** @defaultValue PersistenceLevel.Transaction */
  persistenceLevel?: PersistenceLevel;
  /** Budget of the DRAM tier for clean objects, in bytes (dirty objects are never evicted mid-transaction). @defaultValue 64 MiB */
  cacheBytes?: number;
}

/** A config with every default applied and checked. */
export interface ResolvedMemoryConfig {
  readonly cacheTier: MemoryTier.StandardDRAM | null;
  readonly writePolicy: WritePolicy;
  readonly persistenceLevel: PersistenceLevel;
  readonly cacheBytes: number;
}

export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Applies defaults over `base` (the pool's resolved config when resolving a class's).
 * @throws {TypeError} when an option has an unknown value or the combination is impossible (write-back without a DRAM tier).
 */
export function resolveMemoryConfig(config: HybridMemoryConfig | undefined, base?: ResolvedMemoryConfig, where = 'memory'): ResolvedMemoryConfig {
  if (config !== undefined && (typeof config !== 'object' || config === null)) {
    throw new TypeError(`${where} must be a HybridMemoryConfig object`);
  }
  const c = config ?? {};
  for (const key of Object.keys(c)) {
    if (!['primaryStorage', 'cacheTier', 'writePolicy', 'persistenceLevel', 'cacheBytes'].includes(key)) {
      throw new TypeError(`${where}.${key} is not a HybridMemoryConfig option`);
    }
  }
  if (c.primaryStorage !== undefined && c.primaryStorage !== MemoryTier.PMEM) {
    throw new TypeError(`${where}.primaryStorage must be MemoryTier.PMEM, got ${String(c.primaryStorage)}`);
  }
  if (c.cacheTier !== undefined && c.cacheTier !== null && c.cacheTier !== MemoryTier.StandardDRAM) {
    throw new TypeError(`${where}.cacheTier must be MemoryTier.StandardDRAM or null, got ${String(c.cacheTier)}`);
  }
  if (c.writePolicy !== undefined && !Object.values(WritePolicy).includes(c.writePolicy)) {
    throw new TypeError(`${where}.writePolicy must be WritePolicy.WriteThrough or WritePolicy.WriteBack, got ${String(c.writePolicy)}`);
  }
  if (c.persistenceLevel !== undefined && !Object.values(PersistenceLevel).includes(c.persistenceLevel)) {
    throw new TypeError(`${where}.persistenceLevel must be a PersistenceLevel, got ${String(c.persistenceLevel)}`);
  }
  if (c.cacheBytes !== undefined && (!Number.isSafeInteger(c.cacheBytes) || c.cacheBytes < 0)) {
    throw new TypeError(`${where}.cacheBytes must be a non-negative integer, got ${String(c.cacheBytes)}`);
  }
  const cacheTier = c.cacheTier !== undefined ? c.cacheTier : c.writePolicy === WritePolicy.WriteBack ? MemoryTier.StandardDRAM : base?.cacheTier ?? null;
  const writePolicy = c.writePolicy ?? (c.cacheTier === MemoryTier.StandardDRAM ? WritePolicy.WriteBack : c.cacheTier === null ? WritePolicy.WriteThrough : base?.writePolicy ?? WritePolicy.WriteThrough);
  if (writePolicy === WritePolicy.WriteBack && cacheTier !== MemoryTier.StandardDRAM) {
    throw new TypeError(`${where}: WritePolicy.WriteBack needs cacheTier: MemoryTier.StandardDRAM`);
  }
  return {
    cacheTier,
    writePolicy,
    persistenceLevel: c.persistenceLevel ?? base?.persistenceLevel ?? PersistenceLevel.Transaction,
    cacheBytes: c.cacheBytes ?? base?.cacheBytes ?? DEFAULT_CACHE_BYTES,
  };
}

/**
 * A class's settings (its `@Persistent({ memory })`) over the pool's resolved ones.
 * @throws {TypeError} as resolveMemoryConfig, and for a class-level cacheBytes (the DRAM tier is the pool's).
 */
export function resolveClassMemory(name: string, config: HybridMemoryConfig | undefined, pool: ResolvedMemoryConfig): ResolvedMemoryConfig {
  if (config?.cacheBytes !== undefined) {
    throw new TypeError(`@Persistent(${name}).memory.cacheBytes: the DRAM tier and its budget belong to the pool; set cacheBytes in the pool's memory option`);
  }
  return resolveMemoryConfig(config, pool, `@Persistent(${name}).memory`);
}
