// Mnemograph's embedded PostgreSQL: PGlite (+ pgvector) behind the PostgreSQL
// wire protocol, run as a child process of the JVM.
//
//   node server.mjs --data-dir <dir> [--host 127.0.0.1] [--port 0]
//
// Contract with the parent: stdout carries exactly one line,
// "PGLITE_READY port=<n>", once connections are accepted; diagnostics go to
// stderr. The parent keeps a pipe to our stdin open and never writes to it, so
// EOF on stdin means the parent is gone (even if it was SIGKILLed).
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';
import { vector } from '@electric-sql/pglite-pgvector';

// PGlite runs every query synchronously on this thread and ignores
// statement_timeout and CancelRequest, so one long query blocks signal and
// stdin handling. A clean close takes ~0.1 s; past this grace period the
// watchdog thread SIGKILLs us rather than let an orphan hold the data dir
// (committed data survives SIGKILL via WAL replay).
const SHUTDOWN_GRACE_MS = 5000;
// How long a new connection may wait for the previous one to finish closing.
const HANDOVER_MS = 2000;

const log = (...a) => console.error('[pglite]', ...a);

let args;
try {
  args = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
    },
  }).values;
} catch (e) {
  log(e.message);
  process.exit(2);
}
const port = Number(args.port);
if (!args['data-dir'] || !Number.isInteger(port) || port < 0 || port > 65535) {
  log('usage: node server.mjs --data-dir <dir> [--host 127.0.0.1] [--port 0]');
  process.exit(2);
}
// Absolute, so PGlite always picks its Node filesystem backend: a value like
// "memory://x" would otherwise silently select a volatile one.
const dataDir = resolve(args['data-dir']);

// The watchdog has its own thread and event loop, so it notices stdin EOF and
// enforces the grace period even while a query blocks the main thread.
// It reads fd 0 itself (the main thread never touches process.stdin).
const watchdog = new Worker(`
  const { fstatSync } = require('node:fs');
  const { Socket } = require('node:net');
  const { parentPort, workerData } = require('node:worker_threads');
  let armed = false;
  const arm = () => {
    if (armed) return;
    armed = true;
    setTimeout(() => process.kill(process.pid, 'SIGKILL'), workerData.graceMs);
  };
  parentPort.on('message', arm);
  // Only a pipe/socket means a watching parent; a TTY or /dev/null (manual
  // runs) must not trigger shutdown.
  const st = fstatSync(0);
  if (st.isFIFO() || st.isSocket()) {
    const stdin = new Socket({ fd: 0, readable: true, writable: false });
    const gone = () => { parentPort.postMessage('stdin closed'); arm(); };
    stdin.on('data', () => {}).on('end', gone).on('error', gone);
  }
`, { eval: true, workerData: { graceMs: SHUTDOWN_GRACE_MS } });
watchdog.on('message', (why) => shutdown(why));
watchdog.on('error', (e) => log('watchdog failed:', e));

let db = null;
let tcp = null;
let stopping = false;

// Minimal wire-protocol messages.
const frame = (type, body) => {
  const len = Buffer.alloc(4);
  len.writeInt32BE(4 + body.length);
  return Buffer.concat([Buffer.from(type), len, body]);
};
const SYNC = frame('S', Buffer.alloc(0));
const ROLLBACK = frame('Q', Buffer.from('ROLLBACK\0'));
const DISCARD_ALL = frame('Q', Buffer.from('DISCARD ALL\0'));
const TOO_MANY = frame('E', Buffer.from(
  'SFATAL\0VFATAL\0C53300\0Msorry, too many clients already (PGlite serves one connection)\0\0'));

// PGlite is ONE backend session shared by every connection over time: SETs,
// prepared statements, temp tables, LISTENs, advisory locks and an open
// transaction would leak into the next connection (a reconnecting client
// would hit "prepared statement already exists"). Reset it between clients.
// Runs under runExclusive, where db.exec would deadlock; replies are dropped.
const resetSession = () => db.runExclusive(async () => {
  const send = (msg) => db.execProtocolRawStream(msg, { onRawData: () => {} });
  await send(SYNC); // ends a half-finished extended-protocol batch
  if (db.isInTransaction()) await send(ROLLBACK);
  await send(DISCARD_ALL);
}).catch((e) => log('session reset failed:', e));

// PGLiteSocketHandler speaks the protocol for one socket and feeds messages
// to this queue. pglite-socket's own queue juggles several clients; we serve
// one at a time, so each message just takes the db lock in arrival order.
const queryQueue = {
  enqueue: (_id, message, onData) =>
    db.runExclusive(() => db.execProtocolRawStream(message, { onRawData: onData })),
  clearQueueForHandler() {},
  async clearTransactionIfNeeded() {}, // resetSession covers it
};

// We accept connections ourselves instead of using PGLiteSocketServer: with
// maxConnections 1 it drops a client that reconnects before the old socket's
// close has been processed (about half of immediate reconnects, measured).
// Here a newcomer waits for the previous connection to end and the session to
// be reset; a truly concurrent second client is refused with a proper error.
let current = null; // { socket, done } of the connection being served
async function onConnection(socket) {
  socket.on('error', () => {}); // a waiting client may vanish
  const deadline = Date.now() + HANDOVER_MS;
  while (current) {
    const left = deadline - Date.now();
    const timeout = new Promise((r) => setTimeout(r, Math.max(left, 0), 'timeout'));
    if (left <= 0 || (await Promise.race([current.done, timeout])) === 'timeout') {
      socket.end(TOO_MANY);
      return;
    }
  }
  if (stopping || socket.destroyed) return socket.destroy();
  const handler = new PGLiteSocketHandler({ queryQueue, closeOnDetach: true });
  const done = new Promise((r) => {
    handler.addEventListener('close', r);
    handler.addEventListener('error', r);
  }).then(resetSession);
  current = { socket, done };
  done.then(() => { current = null; });
  await handler.attach(socket);
}

async function start() {
  mkdirSync(dataDir, { recursive: true }); // PGlite only creates the last component
  db = await PGlite.create(dataDir, {
    extensions: { vector },
    // PostgreSQL's own log goes to our stderr (its stdout is banner noise and
    // must not reach ours): startup failures, crash recovery and shutdown are
    // worth seeing, per-query ERRORs/WARNINGs (the client gets them) are not.
    onStderr: (line) => log(line),
    startParams: [...PGlite.defaultStartParams,
      '-c', 'log_min_messages=log', '-c', 'log_min_error_statement=panic'],
  });
  if (stopping) return; // parent vanished during initdb; shutdown() closes db
  tcp = createServer((socket) => onConnection(socket).catch((e) => {
    log('connection failed:', e);
    socket.destroy();
  }));
  await new Promise((ok, fail) => {
    tcp.once('error', fail);
    tcp.listen(port, args.host, ok);
  });
  tcp.on('error', (e) => log('server error:', e));
  if (!stopping) process.stdout.write(`PGLITE_READY port=${tcp.address().port}\n`);
}

async function shutdown(why) {
  if (stopping) return;
  stopping = true;
  log(`shutting down (${why})`);
  watchdog.postMessage('arm');
  // Let an in-flight initdb finish: killing it midway leaves an unusable dir.
  await startup.catch(() => {});
  try {
    // Stop serving first so no client query races the close; then close the
    // db, which runs PostgreSQL's shutdown checkpoint on the data dir.
    tcp?.close();
    if (current) {
      current.socket.destroy();
      await current.done; // rolls back an open transaction
    }
    if (db && !db.closed) await db.close();
  } catch (e) {
    log('error during shutdown:', e);
    process.exit(1);
  }
  process.exit(0);
}

process.on('SIGTERM', () => shutdown('SIGTERM'));
// Ctrl-C in a terminal reaches the whole process group: the JVM then stops us with SIGTERM once it
// has closed its connection, so SIGINT itself must not pull the database out from under it.
process.on('SIGINT', () => {});

const startup = start();
startup.catch(async (e) => {
  log(`cannot start on ${dataDir}:`, e);
  await db?.close().catch(() => {}); // e.g. port taken after the db opened
  process.exit(1);
});
