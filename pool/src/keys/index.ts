// keys: key.txt parsing, the keyring (selection, cooldowns, disabled keys) and per-model budgets.
export { Budgets, parseLimitsText } from './budgets';
export { KEY_SHAPE, meaningfulLines, parseKeyFile, type LineProblem } from './key-file';
export { FileKeys, type FilePinSnapshot, fileNamesIn, uploadIdOf } from './file-keys';
export { heldKeyScrubber, holdKeys, scrubHeldKeys } from './held-keys';
export { KeyRing, type Gate, type KeyEntry, type KeyringSnapshot } from './keyring';
