// `pnpm bench`: speed and footprint figures, each beside a baseline measured in the same run.
import { printTable } from './measure';
import { benchWorker } from './worker';

const workerRows = await benchWorker();
printTable('Worker (CPU per request in Node; Gemini answering from memory)', workerRows);
