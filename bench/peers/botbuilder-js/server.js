'use strict';
// Benchmark peer (bench/run.sh, issue 8 §2.1 c): the official Bot Framework JavaScript SDK (botbuilder 4.23.3,
// CloudAdapter, authentication disabled) answering the adaptiveCard/action invoke "help.refresh" with the same card
// CrisisBot returns (captured from CrisisBot at run time into the file given with --card).
//
//   node server.js --port 3981 --card card.json [--workers 2]
//
// Node's own http server with a four-method response shim (status/header/send/end, what CloudAdapter needs; no
// express or restify in front, which only favours the peer). --workers N forks N processes with node:cluster that share
// the listening socket. Listens on 127.0.0.1 only.
const cluster = require('node:cluster');
const fs = require('node:fs');
const http = require('node:http');

function parseArgs(argv) {
  const args = { port: 3981, card: null, workers: 1 };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const value = argv[i + 1];
    if (key === '--port') { args.port = Number(value); i++; }
    else if (key === '--card') { args.card = value; i++; }
    else if (key === '--workers') { args.workers = Number(value); i++; }
    else { fail(`unknown argument '${key}' (expected --port N, --card FILE, --workers N)`); }
  }
  if (!Number.isInteger(args.port) || args.port <= 0 || args.port > 65535) fail(`--port must be a TCP port, got '${args.port}'`);
  if (!Number.isInteger(args.workers) || args.workers < 1 || args.workers > 64) fail(`--workers must be 1..64, got '${args.workers}'`);
  if (!args.card) fail('--card FILE is required (the adaptive card JSON to answer with)');
  return args;
}

function fail(message) {
  console.error(`botbuilder peer: ${message}`);
  process.exit(2);
}

const args = parseArgs(process.argv.slice(2));

if (args.workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < args.workers; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    console.error(`botbuilder peer: worker ${worker.process.pid} exited (${signal || code})`);
    process.exitCode = 1;
  });
  const stop = () => { for (const id in cluster.workers) cluster.workers[id].process.kill('SIGTERM'); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  console.log(`botbuilder peer: primary ${process.pid}, ${args.workers} workers on 127.0.0.1:${args.port}`);
} else {
  serve(args);
}

function serve({ port, card: cardFile }) {
  // Required here so the cluster primary stays small.
  const { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } = require('botbuilder');

  let card;
  try {
    card = JSON.parse(fs.readFileSync(cardFile, 'utf8'));
  } catch (err) {
    fail(`cannot read the card from ${cardFile}: ${err.message}`);
  }

  // No MicrosoftAppId/Password: authentication is disabled (the SDK's local-development mode).
  const auth = new ConfigurationBotFrameworkAuthentication({});
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context, error) => {
    console.error(`botbuilder peer: turn error: ${error && error.stack ? error.stack : error}`);
  };

  class HelpBot extends ActivityHandler {
    async onAdaptiveCardInvoke(context, invokeValue) {
      if (invokeValue && invokeValue.action && invokeValue.action.verb === 'help.refresh') {
        return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
      }
      return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'This action is no longer available.' };
    }
  }
  const bot = new HelpBot();

  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (req.url !== '/api/messages') {
      res.writeHead(404);
      res.end();
      return;
    }
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > 1024 * 1024) { res.writeHead(413); res.end(); req.destroy(); return; }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.writableEnded) return;
      try {
        req.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(`invalid JSON: ${err.message}`);
        return;
      }
      adapter.process(req, shim(res), (context) => bot.run(context)).catch((err) => {
        console.error(`botbuilder peer: ${err.stack || err}`);
        if (!res.headersSent) { res.writeHead(500); }
        res.end();
      });
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, '127.0.0.1', () => {
    console.log(`botbuilder peer: pid ${process.pid} listening on 127.0.0.1:${port}`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

// The response methods CloudAdapter calls (restify/express style) over a plain http.ServerResponse.
function shim(res) {
  let status = 200;
  let body;
  return {
    status(code) { status = code; return this; },
    header(name, value) { res.setHeader(name, value); return this; },
    send(value) { body = value; return this; },
    end() {
      if (body === undefined || body === null) {
        res.writeHead(status);
        res.end();
        return;
      }
      const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
      res.writeHead(status, {
        'content-type': typeof body === 'object' && !Buffer.isBuffer(body) ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    },
  };
}
