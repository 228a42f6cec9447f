import { describe, expect, it } from 'vitest';
import { FILE_TTL_MS, FileKeys, MAX_FILE_PINS, fileNamesIn, uploadIdOf } from '../src/keys/file-keys';

const OPERATOR = 'op#1';
const at = (t: { now: number }) => () => t.now;
const exists = () => true;

describe('fileNamesIn finds the files a body names, wherever they stand', () => {
  it.each([
    ['{"contents":[{"parts":[{"fileData":{"fileUri":"https://generativelanguage.googleapis.com/v1beta/files/abc-123"}}]}]}', ['files/abc-123']],
    ['{"messages":[{"content":[{"type":"file","file":{"file_id":"files/x1"}},{"type":"image_url","image_url":{"url":"https://generativelanguage.googleapis.com/v1beta/files/y2"}}]}]}', ['files/x1', 'files/y2']],
    ['{"text":"see files/abc and files/abc"}', ['files/abc']],
    ['{"text":"myfiles/abc is not one"}', []],
    ['{"text":"nothing"}', []],
  ])('%s', (body, names) => {
    expect(fileNamesIn(Buffer.from(body))).toEqual(names);
  });
  it('no body, no names', () => expect(fileNamesIn(undefined)).toEqual([]));
});

describe('uploadIdOf', () => {
  it.each([
    ['/upload/v1beta/files?upload_id=AB-12&upload_protocol=resumable', 'AB-12'],
    ['http://w.example/upload/v1beta/files?upload_id=z', 'z'],
    ['/upload/v1beta/files', undefined],
    [`/upload/v1beta/files?upload_id=${'x'.repeat(600)}`, undefined],
  ])('%s -> %s', (url, id) => expect(uploadIdOf(url)).toBe(id));
});

describe('FileKeys.bind: the key a request must use, and who may use a file', () => {
  const t = { now: 1_000 };
  const files = new FileKeys((fp) => fp === OPERATOR, at(t));
  files.pin('files/a', 'key1', 'alice');
  files.pin('files/b', 'key1', 'alice');
  files.pin('files/c', 'key2', 'alice');
  files.pin('upload:s1', 'key2', 'bob');

  it.each([
    [['files/a'], 'alice', { kind: 'pinned', keyFp: 'key1', names: ['files/a'] }],
    [['files/a', 'files/b'], 'alice', { kind: 'pinned', keyFp: 'key1', names: ['files/a', 'files/b'] }],
    [['files/unknown'], 'alice', { kind: 'free' }],
    [['upload:s1'], 'bob', { kind: 'pinned', keyFp: 'key2', names: ['upload:s1'] }],
    [['files/a'], OPERATOR, { kind: 'pinned', keyFp: 'key1', names: ['files/a'] }],
  ] as const)('%j for %s', (names, client, want) => {
    expect(files.bind(names, client, exists)).toEqual(want);
  });
  it('another client\'s file or upload session is refused with a 403', () => {
    expect(files.bind(['files/a'], 'bob', exists)).toMatchObject({ kind: 'refused', status: 403 });
    expect(files.bind(['upload:s1'], 'alice', exists)).toMatchObject({ kind: 'refused', status: 403 });
  });
  it('a file named by the path (files.get, files.delete) must be known and its client\'s, unless an operator asks', () => {
    expect(files.bind([], 'alice', exists, 'files/a')).toEqual({ kind: 'pinned', keyFp: 'key1', names: ['files/a'] });
    expect(files.bind([], 'bob', exists, 'files/a')).toMatchObject({ kind: 'refused', status: 403 });
    const unknown = files.bind([], 'alice', exists, 'files/unknown');
    expect(unknown).toMatchObject({ kind: 'refused', status: 403 });
    if (unknown.kind === 'refused') expect(unknown.message).toContain('files/unknown');
    expect(files.bind([], OPERATOR, exists, 'files/unknown')).toEqual({ kind: 'free' });
    // The same unknown file merely mentioned in a body leaves the request free.
    expect(files.bind(['files/unknown'], 'alice', exists)).toEqual({ kind: 'free' });
  });
  it('files of two keys cannot meet in one request', () => {
    const b = files.bind(['files/a', 'files/c'], 'alice', exists);
    expect(b).toMatchObject({ kind: 'refused', status: 400 });
    if (b.kind === 'refused') expect(b.message).toContain('different Gemini keys');
  });
  it('a file whose key left the pool: upload it again', () => {
    const b = files.bind(['files/a'], 'alice', (fp) => fp !== 'key1');
    expect(b).toMatchObject({ kind: 'refused', status: 400 });
    if (b.kind === 'refused') expect(b.message).toContain('upload the file again');
  });
});

describe('FileKeys is bounded in time and count, and survives a restart', () => {
  it('a pin expires after 48 h, as the file does at Google', () => {
    const t = { now: 0 };
    const files = new FileKeys(() => false, at(t));
    files.pin('files/a', 'k', 'c');
    t.now = FILE_TTL_MS - 1;
    expect(files.get('files/a')).toBeDefined();
    t.now = FILE_TTL_MS;
    expect(files.get('files/a')).toBeUndefined();
  });
  it(`keeps at most ${MAX_FILE_PINS} pins, dropping the oldest`, () => {
    const files = new FileKeys(() => false);
    for (let i = 0; i < MAX_FILE_PINS + 5; i++) files.pin(`files/f${i}`, 'k', 'c');
    expect(files.size).toBe(MAX_FILE_PINS);
    expect(files.get('files/f0')).toBeUndefined();
    expect(files.get(`files/f${MAX_FILE_PINS + 4}`)).toBeDefined();
  });
  it('snapshot and restore keep live pins and drop expired, malformed or far-future ones', () => {
    const t = { now: 5_000 };
    const a = new FileKeys(() => false, at(t));
    a.pin('files/a', 'k1', 'c1');
    const b = new FileKeys(() => false, at(t));
    b.restore({ ...a.snapshot(), 'files/old': { key: 'k', client: 'c', until: 1 }, 'files/bad': { key: 3 }, 'files/far': { key: 'k', client: 'c', until: t.now + FILE_TTL_MS * 10 } });
    expect(b.snapshot()).toEqual({ 'files/a': { key: 'k1', client: 'c1', until: 5_000 + FILE_TTL_MS } });
    b.restore('not an object');
    expect(b.size).toBe(1);
  });
});
