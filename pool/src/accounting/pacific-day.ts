// The Pacific-day math lives in @opengemini/shared (the Worker uses it for Retry-After on daily
// quotas); re-exported here for the pool's modules.
export { nextPacificMidnight, pacificDay } from '@opengemini/shared';
