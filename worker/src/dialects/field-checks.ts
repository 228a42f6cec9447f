// Field checks shared by the dialects' request validators: each throws a 400 naming the field
// OpenAI-style (`temperature`, `reasoning.effort`), so a wrong request is answered in the
// client's terms instead of by Gemini's error about a field the client never sent.
import { badRequest } from '../errors';

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const absent = (v: unknown): v is null | undefined => v === undefined || v === null;

/** Gemini's function name rule: starts with a letter or underscore; letters, digits, `_.:-`; max 128. */
export const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;

export function checkNumber(o: Json, key: string, min: number, max: number, prefix = ''): void {
  const v = o[key];
  if (absent(v)) return;
  if (!isNumber(v) || v < min || v > max) throw badRequest(`\`${key}\` must be a number from ${min} to ${max}.`, `${prefix}${key}`);
}

export function checkInteger(o: Json, key: string, min: number, max: number, why?: string, prefix = ''): void {
  const v = o[key];
  if (absent(v)) return;
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) {
    const range = max >= Number.MAX_SAFE_INTEGER ? 'an integer' : `an integer from ${min} to ${max}`;
    throw badRequest(`\`${key}\` must be ${range}${why ? ` (${why})` : ''}.`, `${prefix}${key}`);
  }
}

export function checkBoolean(o: Json, key: string, prefix = ''): void {
  const v = o[key];
  if (!absent(v) && typeof v !== 'boolean') throw badRequest(`\`${key}\` must be true or false.`, `${prefix}${key}`);
}

/** `stop`: a string or at most 5 strings (Gemini's limit). */
export function checkStop(stop: unknown, param = 'stop'): void {
  if (absent(stop) || typeof stop === 'string') return;
  if (!Array.isArray(stop) || !stop.every((s) => typeof s === 'string')) throw badRequest(`\`${param}\` must be a string or an array of strings.`, param);
  if (stop.length > 5) throw badRequest(`\`${param}\` may hold at most 5 sequences (Gemini's limit).`, param);
}

/**
 * How deep a client's JSON Schema may nest objects and arrays (the schema object itself is level
 * 1). Real tool schemas stay far below it; far deeper ones only exhaust the stack of whatever
 * walks them later (the Responses echo, the tool list's recognition: json-tape.ts), a 500 instead
 * of the client's error. Every dialect checks its schemas (tools, structured output) the same way,
 * so each refuses what another refuses.
 */
export const MAX_SCHEMA_NESTING = 64;

/**
 * How deep a JSON value from the client's history may nest (a tool call's arguments, a tool_use
 * block's input): far beyond any real call, far below what JSON.stringify can write when the
 * Gemini body is serialised (a few thousand levels exhaust its stack: a Worker fault, once
 * reported as Gemini being unreachable).
 */
export const MAX_VALUE_NESTING = 512;

/** A 400 naming `param` when `value` nests deeper than `levels` (MAX_SCHEMA_NESTING for a schema; looks no deeper). */
export function checkNesting(value: unknown, param: string, levels = MAX_SCHEMA_NESTING): void {
  // The whole path in the message too: Anthropic's envelope has no `param`.
  if (nestsDeeper(value, levels)) throw badRequest(`\`${param}\` nests objects and arrays deeper than ${levels} levels.`, param);
}

/** Whether `v` nests objects and arrays more than `levels` deep (a call per container only: the
 * check runs on every request's tools, in both dialects). Arrays by index: for-in over an array
 * makes a string of every index (a 2-million-entry enum: 60 MB of garbage). */
export function nestsDeeper(v: unknown, levels: number): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (levels === 0) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const child: unknown = v[i];
      if (typeof child === 'object' && child !== null && nestsDeeper(child, levels - 1)) return true;
    }
    return false;
  }
  for (const key in v) {
    const child = (v as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null && nestsDeeper(child, levels - 1)) return true;
  }
  return false;
}
