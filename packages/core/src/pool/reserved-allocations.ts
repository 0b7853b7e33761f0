import { BLOB_TYPE_NUM, CATALOG_TYPE_NUM, COLLECTION_HEADER_TYPE_NUM, COLLECTION_NODE_TYPE_NUM } from '@pmemts/decorators';

/** Names of pmemts's own allocations (type numbers no catalog class has), as tools show them. */
export const RESERVED_ALLOCATION_NAMES: ReadonlyMap<number, string> = new Map([
  [BLOB_TYPE_NUM, '(heap strings/bytes)'],
  [CATALOG_TYPE_NUM, '(schema catalog)'],
  [COLLECTION_HEADER_TYPE_NUM, '(map/vector headers)'],
  [COLLECTION_NODE_TYPE_NUM, '(map/vector nodes)'],
]);
