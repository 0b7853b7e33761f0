/** Space management: reachability GC, pins, defragmentation (docs/space.md). */
export { collect, checkCollectOptions, type CollectOptions, type CollectReport, type CollectedAllocation } from './collect';
export { defrag, type DefragReport } from './defrag';
export { finishInterruptedDefrag } from './defrag-journal';
export { isPinned, setPinned } from './pins';
export type { SpaceUsage } from './space-usage';
