// Google's Files API as far as the pool's key pinning needs it: resumable uploads
// (/upload/v1beta/files, start then `upload, finalize`), files.get, files.list, files.delete, and
// the rule that matters: a file, and the upload session that creates it, belong to the key that
// started the upload. Another key gets Google's 403 "You do not have permission to access the
// File ... or it may not exist.", from the file routes and from generate calls whose fileData
// names the file. Files the mock never saw uploaded are left alone (other tests name made-up ones).
import { randomBytes } from 'node:crypto';
import type { GeminiError } from './errors';
import { type Exchange, sendBody, sendError, writeHead } from './respond';

interface StoredFile {
  key: string;
  name: string;
  displayName: string;
  mimeType: string;
  sizeBytes: string;
}

const permissionDenied = (id: string): GeminiError => ({
  status: 403,
  body: { error: { code: 403, message: `You do not have permission to access the File ${id} or it may not exist.`, status: 'PERMISSION_DENIED' } },
});

const FILE_NAME = /files\/([a-z0-9][a-z0-9-]*)/g;

export class FileStore {
  private readonly sessions = new Map<string, { key: string; displayName: string; mimeType: string }>();
  private readonly files = new Map<string, StoredFile>();

  /** True for a path this store answers. */
  static handles(pathname: string): boolean {
    return pathname === '/upload/v1beta/files' || pathname === '/v1beta/files' || /^\/v1beta\/files\/[a-z0-9-]+$/.test(pathname);
  }

  /** Google's 403 when a body names a file of another key; undefined otherwise. */
  checkReferences(rawBody: string, key: string | undefined): GeminiError | undefined {
    if (!rawBody.includes('files/')) return undefined;
    for (const m of rawBody.matchAll(FILE_NAME)) {
      const f = this.files.get(`files/${m[1]}`);
      if (f && f.key !== key) return permissionDenied(m[1]!);
    }
    return undefined;
  }

  /** Answers a Files API call; `baseUrl` is where upload sessions continue (the mock itself). */
  handle(ex: Exchange, key: string, baseUrl: string): void {
    const { record } = ex;
    if (record.path === '/upload/v1beta/files') return this.upload(ex, key, baseUrl);
    if (record.path === '/v1beta/files') {
      if (record.method !== 'GET') return sendError(ex, { status: 400, body: { error: { code: 400, message: 'Use /upload/v1beta/files to upload.', status: 'INVALID_ARGUMENT' } } });
      const files = [...this.files.values()].filter((f) => f.key === key).map((f) => describe(f));
      return sendBody(ex, 200, files.length ? { files } : {});
    }
    const id = record.path.slice('/v1beta/files/'.length);
    const f = this.files.get(`files/${id}`);
    if (!f || f.key !== key) return sendError(ex, permissionDenied(id));
    if (record.method === 'DELETE') {
      this.files.delete(f.name);
      return sendBody(ex, 200, {});
    }
    if (record.method === 'GET') return sendBody(ex, 200, describe(f));
    return sendError(ex, { status: 404, body: { error: { code: 404, message: 'Method not found.', status: 'NOT_FOUND' } } });
  }

  private upload(ex: Exchange, key: string, baseUrl: string): void {
    const { record, url } = ex;
    const command = record.headers['x-goog-upload-command'] ?? '';
    const sessionId = url.searchParams.get('upload_id');
    if (sessionId === null) {
      if (command !== 'start') return sendError(ex, { status: 400, body: { error: { code: 400, message: 'Only resumable uploads are supported by the mock.', status: 'INVALID_ARGUMENT' } } });
      const id = randomBytes(8).toString('hex');
      const meta = (record.body as { file?: { display_name?: string; displayName?: string } } | undefined)?.file;
      this.sessions.set(id, { key, displayName: meta?.display_name ?? meta?.displayName ?? '', mimeType: record.headers['x-goog-upload-header-content-type'] ?? 'application/octet-stream' });
      writeHead(ex, 200, {
        'content-type': 'application/json; charset=UTF-8',
        'x-goog-upload-url': `${baseUrl}/upload/v1beta/files?upload_id=${id}&upload_protocol=resumable`,
        'x-goog-upload-status': 'active',
        'x-goog-upload-chunk-granularity': '8388608',
      });
      return void ex.res.end();
    }
    const session = this.sessions.get(sessionId);
    // The session belongs to the key that started it.
    if (!session || session.key !== key) return sendError(ex, { status: 403, body: { error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' } } });
    if (!command.includes('finalize')) return sendBody(ex, 200, '', { 'x-goog-upload-status': 'active' });
    this.sessions.delete(sessionId);
    const id = randomBytes(6).toString('hex');
    const file: StoredFile = { key, name: `files/${id}`, displayName: session.displayName, mimeType: session.mimeType, sizeBytes: String(Buffer.byteLength(record.rawBody)) };
    this.files.set(file.name, file);
    return sendBody(ex, 200, { file: describe(file) }, { 'x-goog-upload-status': 'final' });
  }
}

/** A File resource; its uri is Google's, as clients pass it back in fileData.fileUri. */
function describe(f: StoredFile): Record<string, string> {
  const at = new Date().toISOString();
  return {
    name: f.name,
    ...(f.displayName ? { displayName: f.displayName } : {}),
    mimeType: f.mimeType,
    sizeBytes: f.sizeBytes,
    createTime: at,
    updateTime: at,
    expirationTime: new Date(Date.now() + 48 * 3600_000).toISOString(),
    uri: `https://generativelanguage.googleapis.com/v1beta/${f.name}`,
    state: 'ACTIVE',
    source: 'UPLOADED',
  };
}
