import { describe, expect, it } from 'vitest';
import { RuleBook } from '../src/mock-gemini/rules';
import { declaresFunction, taskSignature, toolTask } from '../src/mock-gemini/tool-task';
import type { RecordedRequest } from '../src/mock-gemini/types';

const request = (model: string, contents: unknown[], functions: string[] = ['read', 'edit']): RecordedRequest => {
  const body = { contents, tools: [{ functionDeclarations: functions.map((name) => ({ name })) }] };
  return { method: 'POST', path: `/v1beta/models/${model}:streamGenerateContent`, action: 'streamGenerateContent', model, query: {}, headers: {}, body, rawBody: JSON.stringify(body) };
};

const task = toolTask([
  { reply: { kind: 'toolCalls', calls: [{ name: 'read', args: { path: 'a.txt' } }] } },
  { expect: 'line one\nline two', reply: { kind: 'toolCalls', calls: [{ name: 'edit', args: { path: 'a.txt' } }] } },
  { reply: { kind: 'text', text: 'Done.' } },
]);

const user = { role: 'user', parts: [{ text: 'fix a.txt' }] };
const call = (name: string, signature?: string) => ({ role: 'model', parts: [{ functionCall: { name, args: {} }, ...(signature ? { thoughtSignature: signature } : {}) }] });
const result = (name: string, output: unknown) => ({ role: 'user', parts: [{ functionResponse: { name, response: output } }] });

describe('toolTask', () => {
  it('answers the step the conversation has reached: first call, second call once the result is back, then text', () => {
    expect(task(request('gemini-2.5-flash', [user]))).toEqual({ kind: 'toolCalls', calls: [{ name: 'read', args: { path: 'a.txt' } }] });
    const afterRead = [user, call('read'), result('read', { output: 'line one\nline two\n' })];
    expect(task(request('gemini-2.5-flash', afterRead))).toMatchObject({ kind: 'toolCalls', calls: [{ name: 'edit' }] });
    const afterEdit = [...afterRead, call('edit'), result('edit', { output: 'ok' })];
    expect(task(request('gemini-2.5-flash', afterEdit))).toEqual({ kind: 'text', text: 'Done.' });
  });

  it('finds the expected text in any shape of function response (nested objects, arrays)', () => {
    const nested = [user, call('read'), result('read', { content: [{ type: 'text', text: 'line one\nline two' }] })];
    expect(task(request('gemini-2.5-flash', nested))).toMatchObject({ kind: 'toolCalls', calls: [{ name: 'edit' }] });
  });

  it('says what is missing when the previous tool did not return what the step needs', () => {
    const wrong = [user, call('read'), result('read', { output: 'No such file' })];
    const reply = task(request('gemini-2.5-flash', wrong));
    expect(reply.kind).toBe('text');
    expect((reply as { text: string }).text).toContain('step 1 expected "line one\\nline two" in the function responses, got "No such file"');
  });

  it('says so when the conversation holds more rounds than the task has steps', () => {
    const long = [user, call('read'), result('read', {}), call('edit'), result('edit', {}), call('edit'), result('edit', {})];
    expect(task(request('gemini-2.5-flash', long))).toMatchObject({ kind: 'text', text: expect.stringContaining('the task has 3 steps, the conversation already holds 3 tool rounds') });
  });

  it('on Gemini 3 issues a signature per step and requires each to come back unchanged in its model turn', () => {
    expect(task(request('gemini-3-flash-preview', [user]))).toMatchObject({ kind: 'toolCalls', thoughtSignature: taskSignature(0) });
    const kept = [user, call('read', taskSignature(0)), result('read', { output: 'line one\nline two' })];
    expect(task(request('gemini-3-flash-preview', kept))).toMatchObject({ kind: 'toolCalls', thoughtSignature: taskSignature(1) });
    for (const signature of [undefined, 'skip_thought_signature_validator', taskSignature(1)]) {
      const lost = [user, call('read', signature), result('read', { output: 'line one\nline two' })];
      expect(task(request('gemini-3-flash-preview', lost))).toMatchObject({ kind: 'text', text: expect.stringContaining('the thought signature of step 0 did not come back') });
    }
    // Gemini 2.5 issues none and checks none.
    expect(task(request('gemini-2.5-flash', [user]))).not.toHaveProperty('thoughtSignature');
  });
});

describe('rule predicates (when)', () => {
  it('lets a task rule answer only the requests that declare its tool; other requests fall through', () => {
    const book = new RuleBook();
    book.add({ when: declaresFunction('read'), reply: task });
    expect(book.decide(request('gemini-2.5-flash', [user]))?.behaviour).toMatchObject({ kind: 'toolCalls' });
    expect(book.decide(request('gemini-2.5-flash', [user], []))).toBeUndefined();
    expect(book.decide(request('gemini-2.5-flash', [user], ['other']))).toBeUndefined();
  });
});
