/** Recovery: the report of what an open recovered, checkpoints and their restore, the mapping kind. */
export { scanPendingRecovery, type PendingRecovery } from './lane-logs';
export { openRecovering, recoveryReport, describeRecovery, CREATED_REPORT, type RecoveryReport, type VerifyVerdict, type RecoveringOpen } from './report';
export { writeCheckpoint, restoreCheckpoint, type CheckpointOptions, type CheckpointResult } from './checkpoint';
export { mappingKind, type MappingKind } from './mapping';
