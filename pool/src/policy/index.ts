// policy: what to do about each failure (retry, cool down, blame the Worker), pure.
export { decide, type Decision } from './retry-policy';
