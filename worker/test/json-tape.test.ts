// JsonTape: a parsed JSON value matches the recorded one exactly when JSON.stringify writes both
// the same (key order included), which is what the echo cache (responses/echo.ts) relies on.
import { describe, expect, it } from 'vitest';
import { JsonTape, findRecorded } from '../src/json-tape';

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

describe('findRecorded: one walk against several tapes', () => {
  const tapes = (...texts: string[]) => texts.map((t) => new JsonTape(parsed(t)));

  it.each<[string, string[], string, number]>([
    ['the one that matches', ['{"a":1}', '{"a":2}', '{"a":3}'], '{"a":2}', 1],
    ['the first of two equal tapes', ['[1]', '{"b":[true]}', '{"b":[true]}'], '{"b":[true]}', 1],
    ['none: every tape differs somewhere', ['{"a":1,"b":2}', '{"a":1}', '{"a":1,"b":2,"c":3}', '{"b":2,"a":1}'], '{"a":1,"b":3}', -1],
    ['the longer of two sharing a prefix', ['{"a":1}', '{"a":1,"b":2}'], '{"a":1,"b":2}', 1],
    ['the shorter of two sharing a prefix', ['{"a":1,"b":2}', '{"a":1}'], '{"a":1}', 1],
    ['tapes that part only at the last leaf', ['[{"p":{"q":[1,2,3]}}]', '[{"p":{"q":[1,2,4]}}]'], '[{"p":{"q":[1,2,4]}}]', 1],
    ['none of no tapes', [], '{}', -1],
  ])('finds %s', (_name, recorded, value, index) => {
    expect(findRecorded(tapes(...recorded), parsed(value))).toBe(index);
    // The same answer as checking the tapes one by one.
    expect(tapes(...recorded).findIndex((t) => t.matches(parsed(value)))).toBe(index);
  });

  it('never finds a tape recorded incomplete', () => {
    const value = parsed('[[1,2,3]]');
    expect(findRecorded([new JsonTape(value, 2), new JsonTape(value)], parsed('[[1,2,3]]'))).toBe(1);
  });

  it("enumerates each of the value's objects once, however many tapes (a client's object of many keys is paid for once)", () => {
    const recorded = Array.from({ length: 16 }, (_, i) => new JsonTape(parsed(`[{"type":"function","name":"f","x":${i}}]`)));
    let enumerations = 0;
    const object = new Proxy(parsed('{"type":"function","name":"f","x":15}') as object, {
      ownKeys(target) {
        enumerations++;
        return Reflect.ownKeys(target);
      },
    });
    expect(findRecorded(recorded, [object])).toBe(15);
    expect(enumerations).toBe(1);
  });

  it('does not enumerate an object no tape expects there', () => {
    let enumerations = 0;
    const object = new Proxy({ a: 1 }, {
      ownKeys(target) {
        enumerations++;
        return Reflect.ownKeys(target);
      },
    });
    expect(findRecorded(tapes('[1]', '["x"]'), [object])).toBe(-1);
    expect(enumerations).toBe(0);
  });
});
