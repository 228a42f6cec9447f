// An oracle for a whole OpenAI Responses stream: every event valid against ResponseStreamEvent
// (openai-validator.ts), and the grammar the schema cannot express, as OpenAI documents it and
// as the official SDK's ResponseStream accumulates it:
// - sequence_number starts anywhere and grows by one per event;
// - response.created, then response.in_progress, first;
// - exactly one terminal event, last: response.completed / incomplete / failed, or `error`;
// - an item is announced (output_item.added, output_index 0, 1, 2... in order) before any event
//   about it, names the same item_id throughout, and is closed by output_item.done;
// - deltas add up to their done event (text, function arguments, custom tool input, summaries);
// - the terminal response's `output` is the list of items as output_item.done gave them, and its
//   status matches the event (completed, incomplete, failed).
import { isDeepStrictEqual } from 'node:util';
import { validateOpenAI } from './openai-validator';

type Event = Record<string, unknown> & { type?: unknown; sequence_number?: unknown };

const TERMINAL: Record<string, string | undefined> = {
  'response.completed': 'completed',
  'response.incomplete': 'incomplete',
  'response.failed': 'failed',
  error: undefined,
};

/** Every problem with the stream, each naming the event; empty when the stream is valid. */
export function checkResponsesStream(events: readonly Event[]): string[] {
  const problems: string[] = [];
  const at = (i: number) => `event ${i} (${String(events[i]?.type)})`;
  events.forEach((e, i) => {
    for (const err of validateOpenAI('ResponseStreamEvent', e)) problems.push(`${at(i)}: ${err}`);
  });
  if (events.length === 0) return ['the stream has no events'];

  events.forEach((e, i) => {
    if (i > 0 && e.sequence_number !== (events[i - 1]!.sequence_number as number) + 1) {
      problems.push(`${at(i)}: sequence_number ${String(e.sequence_number)} does not follow ${String(events[i - 1]!.sequence_number)}`);
    }
  });
  const terminalAt = events.findIndex((e) => typeof e.type === 'string' && e.type in TERMINAL);
  if (terminalAt === -1) problems.push('no terminal event (response.completed, response.incomplete, response.failed or error): a silent end');
  else if (terminalAt !== events.length - 1) problems.push(`${at(terminalAt + 1)} comes after the terminal ${at(terminalAt)}`);
  if (events[0]!.type !== 'error') {
    if (events[0]!.type !== 'response.created') problems.push(`${at(0)}: the first event must be response.created`);
    if (events.length > 1 && events[1]!.type !== 'response.in_progress' && events[1]!.type !== 'error') problems.push(`${at(1)}: the second event must be response.in_progress`);
  }

  const items: Array<{ added: Record<string, unknown>; done?: Record<string, unknown>; text: Map<number, string>; args: string; summary: Map<number, string> }> = [];
  events.forEach((e, i) => {
    const type = String(e.type);
    const index = e.output_index as number | undefined;
    if (type === 'response.output_item.added') {
      if (index !== items.length) problems.push(`${at(i)}: output_index ${String(index)}, expected ${items.length}`);
      items.push({ added: e.item as Record<string, unknown>, text: new Map(), args: '', summary: new Map() });
      return;
    }
    if (index === undefined) return;
    const item = items[index];
    if (!item) {
      problems.push(`${at(i)}: output_index ${index} was never announced by output_item.added`);
      return;
    }
    if (item.done && type !== 'response.output_item.done') problems.push(`${at(i)}: item ${index} is already done`);
    if (e.item_id !== undefined && e.item_id !== item.added.id) problems.push(`${at(i)}: item_id ${String(e.item_id)} is not the item's id ${String(item.added.id)}`);
    const ci = (e.content_index ?? e.summary_index) as number;
    switch (type) {
      case 'response.output_text.delta':
        item.text.set(ci, (item.text.get(ci) ?? '') + String(e.delta));
        break;
      case 'response.output_text.done':
        if ((item.text.get(ci) ?? '') !== e.text) problems.push(`${at(i)}: text is not the sum of its deltas`);
        break;
      case 'response.reasoning_summary_text.delta':
        item.summary.set(ci, (item.summary.get(ci) ?? '') + String(e.delta));
        break;
      case 'response.reasoning_summary_text.done':
        if ((item.summary.get(ci) ?? '') !== e.text) problems.push(`${at(i)}: summary text is not the sum of its deltas`);
        break;
      case 'response.function_call_arguments.delta':
      case 'response.custom_tool_call_input.delta':
        item.args += String(e.delta);
        break;
      case 'response.function_call_arguments.done':
        if (item.args !== e.arguments) problems.push(`${at(i)}: arguments are not the sum of their deltas`);
        break;
      case 'response.custom_tool_call_input.done':
        if (item.args !== e.input) problems.push(`${at(i)}: input is not the sum of its deltas`);
        break;
      case 'response.output_item.done':
        if (item.done) problems.push(`${at(i)}: item ${index} is done twice`);
        item.done = e.item as Record<string, unknown>;
        break;
    }
  });

  const last = events[events.length - 1]!;
  const expected = TERMINAL[String(last.type)];
  if (expected !== undefined) {
    items.forEach((item, k) => {
      if (!item.done && expected !== 'failed') problems.push(`item ${k} was never closed by output_item.done`);
    });
    const response = last.response as { status?: unknown; output?: unknown } | undefined;
    if (response?.status !== expected) problems.push(`the terminal ${String(last.type)} carries status ${String(response?.status)}`);
    const doneItems = items.filter((item) => item.done).map((item) => item.done);
    if (expected !== 'failed' && !isDeepStrictEqual(response?.output, doneItems)) problems.push('the terminal response.output is not the list of items output_item.done gave');
  }
  return problems;
}

/** Throws (for tests) when the stream is not valid, listing every problem. */
export function expectValidResponsesStream(events: readonly Event[]): void {
  const problems = checkResponsesStream(events);
  if (problems.length > 0) {
    const shown = events.map((e) => JSON.stringify(e)).join('\n');
    throw new Error(`not a valid Responses stream:\n  - ${problems.join('\n  - ')}\nevents:\n${shown.length > 4000 ? `${shown.slice(0, 4000)}…` : shown}`);
  }
}
