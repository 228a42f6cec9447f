// policy: what to do about each failure (retry, cool down, blame the Worker), as data; pure.
export { FAILURE_TABLE, decide, type Decision } from './failure-table';
