import type { LevelWithSilent } from 'pino';

/** What `npm run sandbox` reads from the environment; the same keys and defaults the service documents. */
export interface SandboxSettings {
  port: number;
  /** Interface it listens on: loopback unless SANDBOX_HOST says otherwise (0.0.0.0 in docker compose). */
  host: string;
  dataDir: string;
  webhookUrl: string;
  logLevel: LevelWithSilent;
}

const logLevels: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function port(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${key}: must be a port number, got "${raw}"`);
  return value;
}

/**
 * The sandbox is a separate program: it parses its own few keys (SANDBOX_PORT, SANDBOX_HOST, DATA_DIR, PORT,
 * SANDBOX_WEBHOOK_URL, LOG_LEVEL) instead of importing the service's config module.
 */
export function readSandboxSettings(env: NodeJS.ProcessEnv = process.env): SandboxSettings {
  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as LevelWithSilent;
  if (!logLevels.includes(logLevel)) throw new Error(`LOG_LEVEL: must be one of ${logLevels.join(', ')}, got "${logLevel}"`);
  return {
    port: port(env, 'SANDBOX_PORT', 4010),
    host: env.SANDBOX_HOST?.trim() || '127.0.0.1',
    dataDir: env.DATA_DIR?.trim() || '.data',
    webhookUrl: env.SANDBOX_WEBHOOK_URL?.trim() || `http://127.0.0.1:${port(env, 'PORT', 3000)}/webhooks/telnyx`,
    logLevel,
  };
}
