import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envVariables } from '../src/config/env.ts';

const example = readFileSync(new URL('../../../infra/.env.example', import.meta.url), 'utf8');
const documented = new Set([...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!));

/** SPEC section 2.5, including variables of features still being built. */
const SPEC_VARIABLES =
  `HOST PORT NODE_ENV LOG_LEVEL DATA_DIR DATABASE_PATH PRIMARY_BASE_URL PRIMARY_MODEL
  PRIMARY_API_KEY PRIMARY_API_KEY_FILE DISABLE_PRIMARY PRIMARY_PULL_ON_START FALLBACK_BASE_URL
  FALLBACK_MODEL OPENAI_API_KEY OPENAI_API_KEY_FILE EXTRACTIVE_FALLBACK EMBEDDINGS_BASE_URL
  EMBEDDINGS_MODEL EMBEDDINGS_API_KEY EMBEDDINGS_API_KEY_FILE GUARDRAILS_MODE ALLOW_UNSAFE API_KEYS
  ADMIN_API_KEYS API_KEY_COLLECTIONS ALLOWED_ORIGINS RATE_LIMIT_CHAT RATE_LIMIT_API REPO_ROOT
  ALLOW_TOOLS ALLOW_SCRIPTS ALLOW_DIRTY_TOOLS ALLOW_BEHIND_TOOLS GIT_BASE TOOLS_AUDIT_LOG
  ANALYTICS_ENABLED ANALYTICS_ORIGIN_ALLOWLIST ANALYTICS_RETENTION_DAYS`.split(/\s+/);

describe('infra/.env.example', () => {
  it('documents every variable of SPEC 2.5 and every variable the server reads', () => {
    const missing = [...new Set([...SPEC_VARIABLES, ...envVariables])].filter(
      (v) => !documented.has(v),
    );
    expect(missing).toEqual([]);
  });

  it('holds no secret values, only placeholders', () => {
    const secrets = [
      ...example.matchAll(/^#? ?([A-Z0-9_]*_(?:KEY|KEYS|SECRET|TOKEN)(?:_FILE)?)=(.*)$/gm),
    ];
    expect(secrets.map((m) => m[1])).toContain('OPENAI_API_KEY');
    expect(secrets.length).toBeGreaterThanOrEqual(8);
    for (const [, name, value] of secrets) expect(value, name).toMatch(/^$|<secret>/);
  });
});
