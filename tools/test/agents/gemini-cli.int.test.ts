// Gemini CLI 0.61.0, the real program, through the pool's native /v1beta (pool -> the built Worker
// in workerd -> the strict mock Gemini): `gemini -p` reads notes.txt with its read_file tool, fixes
// it with its replace tool, and says done, on Gemini 2.5 and on Gemini 3 (whose thought
// signatures must survive the CLI's own history). The mock scripts Gemini's side from what it
// receives (toolTask); the file on disk is the proof.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { declaresFunction, toolTask } from '../../src/mock-gemini/index';
import { type CompatStack, GEMINI_KEYS, generateRequests, useCompatStack } from '../compat/stack';
import { agentSandbox, agentUnavailable, geminiRun } from './agents';
import { TASK_EDITED, TASK_FILE, TASK_ORIGINAL } from './task';

let stack: CompatStack;
useCompatStack((s) => (stack = s));

const unavailable = agentUnavailable('gemini');

describe.each(['gemini-2.5-flash', 'gemini-3-flash-preview'])('Gemini CLI on %s', (model) => {
  it('reads a file, edits it with its own tools and exits 0', async (ctx) => {
    if (unavailable) ctx.skip(unavailable);
    const sandbox = await agentSandbox({ [TASK_FILE]: TASK_ORIGINAL });
    try {
      const file = join(sandbox.project, TASK_FILE);
      stack.mock.script({
        when: declaresFunction('read_file'),
        reply: toolTask([
          { reply: { kind: 'toolCalls', text: 'Reading the file.', calls: [{ name: 'read_file', args: { file_path: file } }] } },
          { expect: 'The colour of the sky is blue.', reply: { kind: 'toolCalls', calls: [{ name: 'replace', args: { file_path: file, old_string: 'colour', new_string: 'color', instruction: 'Use the American spelling.' } }] } },
          { reply: { kind: 'text', text: 'Done: notes.txt now says color.' } },
        ]),
      });
      const run = await geminiRun({ base: stack.base, apiKey: stack.apiKey }, sandbox, model, 'Fix the spelling of colour in notes.txt.', 45_000);
      const why = `exit ${run.code}${run.timedOut ? ' (killed after 45 s)' : ''}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr.slice(-3000)}`;
      expect(await readFile(file, 'utf8'), why).toBe(TASK_EDITED);
      expect(run.code, why).toBe(0);
      expect(run.stdout, why).toContain('Done: notes.txt now says color.');
      // Every task turn reached Gemini and passed the mock's checks (a 400 would show here).
      const turns = generateRequests(stack.mock).filter(declaresFunction('read_file'));
      expect(turns.map((r) => r.status)).toEqual([200, 200, 200]);
      for (const key of GEMINI_KEYS) expect(stack.output()).not.toContain(key);
    } finally {
      await sandbox.close();
    }
  });
});
