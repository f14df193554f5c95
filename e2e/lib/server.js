// Helpers for the Concord browser end-to-end tests: start the server binary
// in demo mode on a free port with a throwaway data directory, and launch the
// system Chromium through playwright-core.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const STARTUP_TIMEOUT_MS = 120_000;
const POLL_INTERVAL_MS = 200;
const STOP_TIMEOUT_MS = 10_000;

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Finds a free TCP port by binding to port 0 on 127.0.0.1 and closing. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/** Resolves CONCORD_BIN, failing with a helpful message if unusable. */
async function concordBin() {
  const bin = process.env.CONCORD_BIN;
  if (!bin) {
    throw new Error(
      'CONCORD_BIN is not set. Build the server and run e.g. ' +
        '`CONCORD_BIN=target/release/concord npm --prefix e2e test`.',
    );
  }
  // Relative paths are resolved against the directory npm/node was started
  // from (INIT_CWD for `npm --prefix e2e test` run at the repo root).
  const resolved = path.resolve(process.env.INIT_CWD || process.cwd(), bin);
  try {
    await fs.access(resolved, fs.constants.X_OK);
  } catch {
    throw new Error(`CONCORD_BIN=${bin} (resolved to ${resolved}) is not an executable file.`);
  }
  return resolved;
}

/**
 * Starts `concord serve --demo` on a free port with a fresh data directory
 * and waits until /healthz answers 200.
 * @returns {Promise<{baseUrl: string, stop: () => Promise<void>}>}
 */
export async function startServer() {
  const bin = await concordBin();
  const port = await freePort();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'concord-e2e-'));
  const baseUrl = `http://127.0.0.1:${port}`;

  const child = spawn(
    bin,
    ['serve', '--demo', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );

  // Keep the output (bounded) for diagnostics; echo it when E2E_SERVER_LOG=1.
  let stdout = '';
  let stderr = '';
  const keep = (buf, chunk) => (buf + chunk).slice(-64 * 1024);
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (c) => {
    stdout = keep(stdout, c);
    if (process.env.E2E_SERVER_LOG) process.stderr.write(c);
  });
  child.stderr.on('data', (c) => {
    stderr = keep(stderr, c);
    if (process.env.E2E_SERVER_LOG) process.stderr.write(c);
  });

  let exited = null; // {code, signal} once the process is gone
  let spawnError = null;
  const exitPromise = new Promise((resolve) => {
    child.on('error', (err) => {
      spawnError = err;
      exited ??= { code: null, signal: null };
      resolve();
    });
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });

  const cleanupDir = () => fs.rm(dataDir, { recursive: true, force: true }).catch(() => {});

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timedOut = await Promise.race([
        exitPromise.then(() => false),
        sleep(STOP_TIMEOUT_MS).then(() => true),
      ]);
      if (timedOut && !exited) {
        child.kill('SIGKILL');
        await exitPromise;
      }
    }
    await cleanupDir();
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let lastError = 'no attempt yet';
  while (true) {
    if (exited) {
      await cleanupDir();
      const how = spawnError
        ? `failed to start: ${spawnError.message}`
        : `exited early (code ${exited.code}, signal ${exited.signal})`;
      throw new Error(
        `Concord server ${how}.\ncommand: ${bin} serve --demo --listen 127.0.0.1:${port} ` +
          `--data-dir ${dataDir}\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`,
      );
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer().catch(() => {});
      if (res.status === 200) break;
      lastError = `GET /healthz returned ${res.status}`;
    } catch (err) {
      lastError = err.cause?.code || err.message;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `Concord server did not become healthy at ${baseUrl}/healthz within ` +
          `${STARTUP_TIMEOUT_MS / 1000} s (last: ${lastError}).\n--- stderr ---\n${stderr}`,
      );
    }
    await sleep(POLL_INTERVAL_MS);
  }

  return { baseUrl, stop };
}

/**
 * Launches the system Chromium headless.
 * @returns {Promise<import('playwright-core').Browser>}
 */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: 60_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
