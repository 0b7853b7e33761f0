/**
 * @pmemts/core: the whole public surface. Decorators are re-exported so one import serves an app.
 */
import 'reflect-metadata';

export { Pool } from './pool/Pool';
export type { PoolOpenOptions, PoolCreateOptions, PersistentClass } from './pool/Pool';
export type { PoolStats } from './pool/stats';
export type { HeatReport, HeatClass, HeatObject, HeatLine } from './heat/heat-report';
export { RESERVED_ALLOCATION_NAMES } from './pool/reserved-allocations';
export type { CheckReport, CheckProblem, DeepCheckProgress } from './pool/deep-check';
/** Reports of `pool.collect` (reachability GC) and `pool.defrag` (defragmentation); docs/space.md. */
export type { CollectOptions, CollectReport, CollectedAllocation, DefragReport, SpaceUsage } from './space';
export { runTransaction } from './tx/runTransaction';
/** Raw persistent byte regions (`pool.region`) and block stores with power-fail atomic block writes (`pool.blocks`); docs/regions.md. */
export { Region, BlockStore, directoryOf, REGION_TYPE_NUM, BLOCK_STORE_TYPE_NUM } from './regions';
export type { BlockStoreOptions, RegionEntry, BlockStoreEntry, RegionDirectories } from './regions';
export { MemoryTier, WritePolicy, PersistenceLevel } from './memory/config';
export type { HybridMemoryConfig } from './memory/config';
export { toPlain, fromPlain } from './objects/plain';
export type { Plain } from './objects/plain';
export { PMap, PVector, verifyCollection } from './collections';
export type { RangeOptions } from './collections';
/** Striped counters: `@Field({ type: 'counter', stripes: 8 }) hits!: PCounter`. */
export { PCounter, COUNTER_MAX } from './counters';
export { readLayoutName, readPoolCatalog, classesFromCatalog } from './pool/inspect';
export { openForInspection } from './pool/open-for-inspection';
export type { InspectionOptions } from './pool/open-for-inspection';
export type { Catalog, CatalogType, CatalogField, CatalogCollectionValue } from './pool/catalog';
export * from './errors';
/** Schema evolution: diffSchema (catalog against code), MigrationError, the migrations option's types. */
export { diffSchema, manualFields, isWidening, MigrationError, setMigrationBatchSizeForTests } from './schema';
export type { ClassDiff, ClassDiffStatus, FieldChange, FieldChangeKind, MigrationFunction, Migrations, MigrationPhase, MigrationProgress } from './schema';
export * from './layout';
export { Persistent, Field, Ref, LayoutDefinitionError, FIRST_RESERVED_TYPE_NUM, CATALOG_TYPE_NUM, BLOB_TYPE_NUM, COLLECTION_HEADER_TYPE_NUM, COLLECTION_NODE_TYPE_NUM } from '@pmemts/decorators';
export type { MapKeyType, CollectionValueType } from '@pmemts/decorators';
/** Recovery report, checkpoints and mapping kind (docs/recovery.md). */
export { scanPendingRecovery, describeRecovery, mappingKind } from './recovery';
export type { PendingRecovery, RecoveryReport, VerifyVerdict, CheckpointOptions, CheckpointResult, MappingKind } from './recovery';
