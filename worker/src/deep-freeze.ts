// Values kept per isolate and shared by every request that needs them (json-memo.ts, the Gemini
// form of a kept tool list) are frozen all the way down: a request that changed one would change
// it for every later request, so such a change must fail loudly instead. Plain objects and arrays
// only: a frozen Set or Map still takes add/set (the kept declarations' name sets are protected
// by their ReadonlySet type alone, request.ts ToolNames).

/** `value` and everything in it frozen (JSON data: plain objects and arrays). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
