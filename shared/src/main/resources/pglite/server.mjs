// Mnemograph's embedded PostgreSQL: PGlite (+ pgvector) behind the PostgreSQL
// wire protocol, run as a child of the JVM.
//
//   node server.mjs --data-dir <dir> [--host 127.0.0.1] [--port 0]
//
// Protocol with the parent: stdout carries exactly one line,
// "PGLITE_READY port=<n>", once connections are accepted; all diagnostics go
// to stderr. The parent keeps our stdin open and never writes to it, so EOF
// on stdin means the parent is gone (even if it was SIGKILLed) and we stop.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { vector } from '@electric-sql/pglite-pgvector';

// A stuck query (PGlite is single-threaded and ignores CancelRequest) must not
// keep an orphaned process holding the data dir forever.
const SHUTDOWN_GRACE_MS = 10_000;

const log = (...a) => console.error('[pglite]', ...a);

function fail(msg, code = 2) {
  log(msg);
  process.exit(code);
}

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
  fail(e.message);
}
if (!args['data-dir']) fail('--data-dir <dir> is required');
const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`bad --port: ${args.port}`);
// Absolute path so PGlite always picks its Node filesystem backend (a relative
// "memory://..." or "idb://..." would silently select another one).
const dataDir = resolve(args['data-dir']);

let db = null;
let server = null;
let stopping = false;

async function start() {
  // PGlite only creates the last path component itself.
  mkdirSync(dataDir, { recursive: true });
  db = await PGlite.create(dataDir, { extensions: { vector } });
  if (stopping) return; // parent vanished during initdb; shutdown() closes db
  // maxConnections 1: PGlite is a single session, so sharing it between
  // clients would leak session state (SET, temp tables, open transactions).
  server = new PGLiteSocketServer({ db, host: args.host, port, maxConnections: 1 });
  let actualPort = port;
  server.addEventListener('listening', (e) => { actualPort = e.detail.port; });
  server.addEventListener('error', (e) => log('socket server error:', e.detail));
  await server.start();
  if (!stopping) process.stdout.write(`PGLITE_READY port=${actualPort}\n`);
}

async function shutdown(why) {
  if (stopping) return; // already closing; the grace timer bounds it
  stopping = true;
  log(`shutting down (${why})`);
  setTimeout(() => { log('clean shutdown timed out'); process.exit(1); }, SHUTDOWN_GRACE_MS).unref();
  // Let an in-flight initdb finish: killing it midway leaves an unusable dir.
  await startup.catch(() => {});
  try {
    // Socket server first so no query races the close; then the db, which
    // runs PostgreSQL's exit path (shutdown checkpoint) on the data dir.
    if (server) await server.stop();
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
// Reading stdin is the only portable way to learn that the parent died.
process.stdin.on('data', () => {});
process.stdin.on('end', () => shutdown('stdin closed'));
process.stdin.on('error', () => shutdown('stdin error'));

const startup = start();
startup.catch(async (e) => {
  log(`cannot start on ${dataDir}:`, e);
  // e.g. port taken after the db opened: still close it cleanly.
  await db?.close().catch(() => {});
  process.exit(1);
});
