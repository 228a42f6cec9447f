// A stand-in Worker for the pool benchmark: answers OpenAI chat requests at once from memory.
// `user: "stream:<chunks>:<intervalMs>"` in the body asks for a stream of that many chunks, each
// stamped with the wall-clock time it was written (performance.timeOrigin + now(), in ms), so a
// client can tell how long a chunk took to reach it through a proxy.
import { createServer } from 'node:http';

const COMPLETION = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1,
  model: 'gemini-2.5-flash',
  choices: [{ index: 0, message: { role: 'assistant', content: 'A short answer from the benchmark upstream, about as long as a typical reply line.', refusal: null }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 20, completion_tokens: 18, total_tokens: 38 },
});

const now = () => performance.timeOrigin + performance.now();
const chunk = (content, finish = null) =>
  `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1,"model":"gemini-2.5-flash","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":${finish ? `"${finish}"` : 'null'}}]}\n\n`;

const server = createServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    if (req.url.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[{"id":"gemini-2.5-flash","object":"model","created":0,"owned_by":"google"}]}');
      return;
    }
    let body = {};
    try {
      body = JSON.parse(Buffer.concat(parts).toString('utf8'));
    } catch {}
    const m = /^stream:(\d+):(\d+)$/.exec(body.user ?? '');
    if (!body.stream || !m) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(COMPLETION) }).end(COMPLETION);
      return;
    }
    const total = Number(m[1]);
    const interval = Number(m[2]);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(chunk(String(now())));
    let sent = 1;
    const timer = setInterval(() => {
      if (sent >= total) {
        clearInterval(timer);
        res.end(`${chunk('', 'stop')}data: [DONE]\n\n`);
        return;
      }
      sent++;
      res.write(chunk(String(now())));
    }, interval);
    res.on('close', () => clearInterval(timer));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
