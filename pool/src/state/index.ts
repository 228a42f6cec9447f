// state: atomic persistence of cooldowns, breakers and usage across restarts.
export { writeFileAtomic } from './atomic-file';
export { FileStateStore, STATE_VERSION, StateKeeper, type PersistedState } from './state';
