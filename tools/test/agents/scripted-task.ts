// One scripted task run, as every agent test does it: a fresh sandbox holding notes.txt, the mock
// scripted to answer the agent's task turns (the requests declaring its first tool) step by step,
// the agent run against the pool, then what is left on disk and what Gemini received, collected
// before the sandbox goes. The tests assert on the outcome.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { declaresFunction, toolTask, type ToolTaskStep } from '../../src/mock-gemini/index';
import { type CompatStack, generateRequests } from '../compat/stack';
import { type AgentRun, type AgentSandbox, agentSandbox } from './agents';
import { TASK_FILE, TASK_ORIGINAL } from './task';

/** How long an agent may take for the task before it is killed (each takes a few seconds). */
export const AGENT_TIMEOUT_MS = 45_000;

export interface TaskOutcome {
  run: AgentRun;
  /** The run described for assertion messages: exit, stdout, the end of stderr, the pool's log. */
  why: string;
  /** The project folder's files after the run, by name. */
  files: Record<string, string>;
  /** The HTTP status the mock gave each task turn, in order. */
  taskStatuses: (number | undefined)[];
}

export async function runScriptedTask(
  stack: CompatStack,
  firstTool: string,
  steps: (project: string) => ToolTaskStep[],
  run: (sandbox: AgentSandbox) => Promise<AgentRun>,
): Promise<TaskOutcome> {
  const sandbox = await agentSandbox({ [TASK_FILE]: TASK_ORIGINAL });
  try {
    stack.mock.script({ when: declaresFunction(firstTool), reply: toolTask(steps(sandbox.project)) });
    const poolLogStart = stack.output().length;
    const result = await run(sandbox);
    // What the pool logged meanwhile (each request and its status): an agent that gets a 401 or
    // a 400 often just waits or retries silently, and this is where it shows.
    const poolLog = stack.output().slice(poolLogStart).slice(-4000);
    const files: Record<string, string> = {};
    for (const name of await readdir(sandbox.project)) files[name] = await readFile(join(sandbox.project, name), 'utf8');
    const why = `exit ${result.code}${result.timedOut ? ` (killed after ${AGENT_TIMEOUT_MS} ms)` : ''}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr.slice(-3000)}\npool log during the run:\n${poolLog}`;
    const taskStatuses = generateRequests(stack.mock)
      .filter(declaresFunction(firstTool))
      .map((r) => r.status);
    return { run: result, why, files, taskStatuses };
  } finally {
    await sandbox.close();
  }
}
