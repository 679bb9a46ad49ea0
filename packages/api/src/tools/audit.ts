import { appendFile, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isSecretFlag, REDACTED, SECRET_NAME } from './redact.ts';

/** One line of TOOLS_AUDIT_LOG: a tool call, whether it ran or was refused. */
export interface AuditEntry {
  /** When the call started: ISO 8601, UTC. */
  ts: string;
  requestId: string;
  /** The caller's API key id (never the secret); null for an anonymous caller. */
  actor: string | null;
  role: string;
  tool: string;
  /** Redacted and size-capped. */
  args: unknown;
  durationMs: number;
  ok: boolean;
  /** A script's exit code (null when a signal ended it). */
  exitCode?: number | null;
  /** The refusal or failure reason when `ok` is false. */
  reason?: string;
}

const MAX_STRING = 1024;
const MAX_ITEMS = 64;
const MAX_DEPTH = 4;

/**
 * Arguments as they may be written to the audit log: every string passes `redact`, a value named
 * like a credential (an object key, or the argv element after a flag such as `--token`) is
 * dropped, and size is capped so one line stays small.
 */
export function auditArgs(value: unknown, redact: (text: string) => string, depth = 0): unknown {
  if (typeof value === 'string') {
    const text = redact(value);
    return text.length > MAX_STRING ? `${text.slice(0, MAX_STRING)}…` : text;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (depth >= MAX_DEPTH) return '[nested]';
  if (Array.isArray(value)) {
    return value
      .slice(0, MAX_ITEMS)
      .map((item, i) =>
        i > 0 && typeof value[i - 1] === 'string' && isSecretFlag(value[i - 1])
          ? REDACTED
          : auditArgs(item, redact, depth + 1),
      );
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value).slice(0, MAX_ITEMS);
    return Object.fromEntries(
      entries.map(([key, item]) => [
        redact(key).slice(0, MAX_STRING),
        SECRET_NAME.test(key) ? REDACTED : auditArgs(item, redact, depth + 1),
      ]),
    );
  }
  return null;
}

/** Append-only JSON lines; the file is created with mode 0600 (its directory 0700). */
export class AuditLog {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  /** Creates the file if needed and proves it can be appended to. */
  async ensureWritable(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const handle = await open(this.path, 'a', 0o600);
    await handle.close();
  }

  async append(entry: AuditEntry): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    // Flag 'a' is O_APPEND: each line lands whole at the end, even with concurrent writers.
    await appendFile(this.path, `${JSON.stringify(entry)}\n`, { flag: 'a', mode: 0o600 });
  }
}
