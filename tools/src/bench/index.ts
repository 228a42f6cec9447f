// `pnpm bench`: speed and footprint figures, each beside a baseline measured in the same run.
//   pnpm bench            everything
//   pnpm bench worker     the Worker's CPU per request only
//   pnpm bench pool       the pool's overhead only
//   pnpm bench pool-profile  where the pool's CPU goes, beside the bare proxy's (only when asked)
//   pnpm bench responses  the Responses dialect beside the chat dialect
//   pnpm bench scrub      literal key scrubbing of a stream only
import { printTable } from './measure';
import { benchPool } from './pool';
import { profilePool } from './pool-profile';
import { benchResponses } from './responses';
import { benchScrub } from './scrub';
import { benchWorker } from './worker';

const only = process.argv[2];
if (!only || only === 'worker') printTable('Worker (CPU per request in Node; Gemini answering from memory)', await benchWorker());
if (!only || only === 'responses') printTable('Responses dialect beside chat (CPU per request in Node, same run)', await benchResponses());
if (!only || only === 'pool') printTable('Pool (separate processes on loopback; the upstream answers at once)', await benchPool());
if (only === 'pool-profile') await profilePool();
if (!only || only === 'scrub') printTable('Key scrubbing (CPU per stream, one chunk per Gemini event)', await benchScrub());
