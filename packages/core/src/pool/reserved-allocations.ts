import {
  BLOB_TYPE_NUM,
  BLOCK_STORE_TYPE_NUM,
  CATALOG_TYPE_NUM,
  COLLECTION_HEADER_TYPE_NUM,
  COLLECTION_NODE_TYPE_NUM,
  DEFRAG_JOURNAL_TYPE_NUM,
  REGION_TYPE_NUM,
} from '@pmemts/decorators';

/** Names of pmemts's own allocations (type numbers no catalog class has), as reports and tools show them. */
export const RESERVED_ALLOCATION_NAMES: ReadonlyMap<number, string> = new Map([
  [BLOB_TYPE_NUM, '(heap string/bytes)'],
  [CATALOG_TYPE_NUM, '(schema catalog)'],
  [COLLECTION_HEADER_TYPE_NUM, '(collection header)'],
  [COLLECTION_NODE_TYPE_NUM, '(collection node)'],
  [REGION_TYPE_NUM, '(region)'],
  [BLOCK_STORE_TYPE_NUM, '(block store)'],
  [DEFRAG_JOURNAL_TYPE_NUM, '(defrag journal)'],
]);

/**
 * pmemts's own allocations that the reachability walk reaches through what owns them (an object's heap
 * slot, its map or vector field, the root record). The others (regions, block stores, the defrag
 * journal) are named by catalog directories instead.
 */
export const WALKED_RESERVED_TYPE_NUMS: ReadonlySet<number> = new Set([BLOB_TYPE_NUM, CATALOG_TYPE_NUM, COLLECTION_HEADER_TYPE_NUM, COLLECTION_NODE_TYPE_NUM]);
