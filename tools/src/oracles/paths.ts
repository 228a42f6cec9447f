// Where the machine-readable specs live. They sit beside the repository (../shared/oracles),
// read-only and never copied in; OPENGEMINI_ORACLES overrides the folder.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const oraclesDir = process.env.OPENGEMINI_ORACLES ?? resolve(repoRoot, '../shared/oracles');

export const geminiDiscoveryPath = resolve(oraclesDir, 'gemini-v1beta-discovery.json');
export const openaiSpecPath = resolve(oraclesDir, 'openai-openapi.json');

/** True when the oracle files are present; tests skip with a clear message when not. In CI
 * (`CI` set, as .ci/run does) they must be there: a missing folder fails the run rather than
 * passing it with every oracle check skipped. */
export const oraclesPresent = existsSync(geminiDiscoveryPath) && existsSync(openaiSpecPath);
if (!oraclesPresent && process.env.CI) throw new Error(`CI: oracle specs not found at ${oraclesDir} (../shared/oracles must be beside the repository)`);

export const oraclesMissingMessage =
  `oracle specs not found at ${oraclesDir} (expected ../shared/oracles beside the repository); ` +
  'oracle-backed checks are skipped';
