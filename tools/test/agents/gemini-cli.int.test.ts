// Gemini CLI 0.61.0, the real program, through the pool's native /v1beta (pool -> the built Worker
// in workerd -> the strict mock Gemini): `gemini -p` reads notes.txt with its read_file tool, fixes
// it with its replace tool, and says done, on Gemini 2.5 and on Gemini 3 (whose thought
// signatures must survive the CLI's own history: the mock requires each one back unchanged).
// The mock scripts Gemini's side from what it receives (toolTask); the file on disk is the proof.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CompatStack, GEMINI_KEYS, useCompatStack } from '../compat/stack';
import { agentUnavailable, geminiRun } from './agents';
import { AGENT_TIMEOUT_MS, runScriptedTask } from './scripted-task';
import { TASK_EDITED, TASK_FILE } from './task';

let stack: CompatStack;
useCompatStack((s) => (stack = s));

const unavailable = agentUnavailable('gemini');

describe.each(['gemini-2.5-flash', 'gemini-3-flash-preview'])('Gemini CLI on %s', (model) => {
  it('reads a file with read_file, edits it with replace, and exits 0', async (ctx) => {
    if (unavailable) ctx.skip(unavailable);
    const { run, why, files, taskStatuses } = await runScriptedTask(
      stack,
      'read_file',
      (project) => [
        { reply: { kind: 'toolCalls', thoughts: 'The file has to be read first.', text: 'Reading the file.', calls: [{ name: 'read_file', args: { file_path: join(project, TASK_FILE) } }] } },
        { expect: 'The colour of the sky is blue.', reply: { kind: 'toolCalls', thoughts: 'Now the edit.', calls: [{ name: 'replace', args: { file_path: join(project, TASK_FILE), old_string: 'colour', new_string: 'color', instruction: 'Use the American spelling.' } }] } },
        { reply: { kind: 'text', text: 'Done: notes.txt now says color.' } },
      ],
      (sandbox) => geminiRun(stack, sandbox, model, 'Fix the spelling of colour in notes.txt.', AGENT_TIMEOUT_MS),
    );
    expect(files[TASK_FILE], why).toBe(TASK_EDITED);
    expect(run.code, why).toBe(0);
    expect(run.stdout, why).toContain('Done: notes.txt now says color.');
    // The three task turns reached Gemini and passed the mock's checks (a 400 would show here).
    expect(taskStatuses).toEqual([200, 200, 200]);
    for (const key of GEMINI_KEYS) expect(stack.output()).not.toContain(key);
  });
});
