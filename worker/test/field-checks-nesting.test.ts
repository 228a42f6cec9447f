// checkNesting, run on every request's tool schemas in the chat and Responses dialects: refuses
// a schema nested deeper than 64 levels naming the field, and walks a large array (an enum of
// millions of values) by index, never making a string of every index as for-in would.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/errors';
import { MAX_SCHEMA_NESTING, checkNesting } from '../src/dialects/field-checks';

const nested = (levels: number): unknown => JSON.parse('['.repeat(levels) + ']'.repeat(levels));

describe('checkNesting', () => {
  it('accepts 64 levels, refuses 65 with a 400 naming the field', () => {
    expect(MAX_SCHEMA_NESTING).toBe(64);
    expect(() => checkNesting(nested(64), 'tools[0].parameters')).not.toThrow();
    let err: unknown;
    try {
      checkNesting({ type: 'object', properties: { p: nested(64) } }, 'tools[3].parameters');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    expect((err as ApiError).param).toBe('tools[3].parameters');
  });

  it('walks an array by index: its keys are never listed', () => {
    let listed = 0;
    const values = new Proxy(Array.from({ length: 1000 }, (_, i) => String(i)), {
      ownKeys: (target) => {
        listed++;
        return Reflect.ownKeys(target);
      },
    });
    checkNesting({ type: 'string', enum: values }, 'tools[0].parameters');
    expect(listed).toBe(0);
  });
});
