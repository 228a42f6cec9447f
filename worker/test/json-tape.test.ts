// JsonTape: a parsed JSON value matches the recorded one exactly when JSON.stringify writes both
// the same (key order included), which is what the echo cache (responses/echo.ts) relies on.
import { describe, expect, it } from 'vitest';
import { JsonTape } from '../src/json-tape';

const parsed = (text: string): unknown => JSON.parse(text);

describe('JsonTape', () => {
  it.each<[string, string, string]>([
    ['the same object', '{"a":1,"b":[true,null,"x"]}', '{"a":1,"b":[true,null,"x"]}'],
    ['the same nested arrays and objects', '[{"type":"function","parameters":{"properties":{"p":{"type":"string"}},"required":["p"]}},[],{}]', '[{"type":"function","parameters":{"properties":{"p":{"type":"string"}},"required":["p"]}},[],{}]'],
    ['whitespace and escapes spelled differently', '{"s":"é\\n"}', '{ "s" : "\\u00e9\\u000a" }'],
    ['numbers spelled differently', '[1.0,10e1,-0]', '[1,100,0]'],
    ['a primitive', '"text"', '"text"'],
    ['integer-like keys (enumerated first by both)', '{"b":1,"2":2,"1":3}', '{"1":3,"2":2,"b":1}'],
  ])('matches %s', (_name, recorded, value) => {
    expect(JSON.stringify(parsed(recorded))).toBe(JSON.stringify(parsed(value)));
    expect(new JsonTape(parsed(recorded)).matches(parsed(value))).toBe(true);
  });

  it.each<[string, string, string]>([
    ['keys in another order', '{"a":1,"b":2}', '{"b":2,"a":1}'],
    ['a key more', '{"a":1}', '{"a":1,"b":2}'],
    ['a key fewer', '{"a":1,"b":2}', '{"a":1}'],
    ['a key renamed', '{"a":1}', '{"c":1}'],
    ['a string changed', '{"a":"x"}', '{"a":"y"}'],
    ['a number for a string', '{"a":"1"}', '{"a":1}'],
    ['null for an object', '{"a":{}}', '{"a":null}'],
    ['an object for an array', '{"a":[]}', '{"a":{}}'],
    ['an array for an object', '{"a":{}}', '{"a":[]}'],
    ['an array longer', '[1,2]', '[1,2,3]'],
    ['an array shorter', '[1,2,3]', '[1,2]'],
    ['a deep value changed', '[{"p":{"q":[{"r":true}]}}]', '[{"p":{"q":[{"r":false}]}}]'],
    ['an element moved into the next object', '[{"a":1},{}]', '[{},{"a":1}]'],
    ['a key named like a tape mark', '{"a":1}', '{"a":{"0":1}}'],
  ])('does not match %s', (_name, recorded, value) => {
    expect(JSON.stringify(parsed(recorded))).not.toBe(JSON.stringify(parsed(value)));
    expect(new JsonTape(parsed(recorded)).matches(parsed(value))).toBe(false);
  });

  it('can be checked again and again, a failed check leaving no trace', () => {
    const tape = new JsonTape(parsed('{"a":[1,{"b":2}]}'));
    expect(tape.matches(parsed('{"a":[1,{"b":3}]}'))).toBe(false);
    expect(tape.matches(parsed('{"a":[1,{"b":2}]}'))).toBe(true);
    expect(tape.matches(parsed('{"a":[1,{"b":2}],"c":0}'))).toBe(false);
    expect(tape.matches(parsed('{"a":[1,{"b":2}]}'))).toBe(true);
  });
});

describe('JsonTape and deep nesting', () => {
  const nested = (levels: number): unknown => JSON.parse('['.repeat(levels) + ']'.repeat(levels));

  it('a value nested 5,000 deep is not recorded (no stack overflow) and matches nothing, itself included', () => {
    const deep = nested(5000);
    const tape = new JsonTape(deep);
    expect(tape.complete).toBe(false);
    expect(tape.matches(deep)).toBe(false);
  });

  it('a value nested 100 deep is recorded and matched as usual', () => {
    const tape = new JsonTape(nested(100));
    expect(tape.complete).toBe(true);
    expect(tape.matches(nested(100))).toBe(true);
    expect(tape.matches(nested(99))).toBe(false);
  });
});
