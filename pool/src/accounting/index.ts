// accounting: what was used (requests, tokens per key and model, per Pacific day) and the /metrics figures.
export { PoolMetrics } from './metrics';
export { nextPacificMidnight, pacificDay } from './pacific-day';
export { CONTENT_TYPE } from './prometheus';
export { scanUsage, type Tokens } from './usage-scan';
export { Usage, addCounters, zeroCounters, zeroHour, type Counters, type Hour, type Outcome, type UsageSnapshot } from './usage';
