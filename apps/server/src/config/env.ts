import { configuredSecrets, type ToolSettings } from '@bastion/api';
import { z } from 'zod';
import { analyticsSection } from './analytics.ts';
import { baseSection } from './base.ts';
import { chatSection } from './chat.ts';
import { ragSection } from './rag.ts';
import { redisSection } from './redis.ts';
import { securitySection } from './security.ts';
import { storageSection } from './storage.ts';
import { toolsSection } from './tools.ts';

// Each feature owns a section (its variables and typed config); add new ones here.
const sections = {
  base: baseSection,
  analytics: analyticsSection,
  chat: chatSection,
  rag: ragSection,
  redis: redisSection,
  security: securitySection,
  storage: storageSection,
  tools: toolsSection,
};

type Sections = typeof sections;
type SectionConfig<K extends keyof Sections> = ReturnType<Sections[K]['build']>;

export type ServerConfig = SectionConfig<'base'> & {
  [K in Exclude<keyof Sections, 'base'>]: SectionConfig<K>;
};

const envSchema = z.object(
  Object.assign({}, ...Object.values(sections).map((s) => s.shape)) as z.ZodRawShape,
);

/** Every variable the server reads (documented in infra/.env.example). */
export const envVariables: readonly string[] = Object.keys(envSchema.shape);

/** Values of these variables are never echoed back, even when invalid. */
const SECRET_NAME = /KEY|SECRET|TOKEN|PASSWORD/i;

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Reads the environment; every problem is listed at once, naming its variable. */
export function loadConfig(env: Record<string, string | undefined>): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const value = env[name];
        const shown =
          value === undefined || SECRET_NAME.test(name)
            ? ''
            : ` (got ${JSON.stringify(value.slice(0, 64))})`;
        return `${name}: ${issue.message}${shown}`;
      }),
    );
  }
  const problems: string[] = [];
  const problem = (variable: string, message: string) => problems.push(`${variable}: ${message}`);
  const { base, ...features } = sections;
  const built: Record<string, unknown> = base.build(parsed.data as never, problem);
  for (const [key, section] of Object.entries(features)) {
    built[key] = (section.build as (e: unknown, p: typeof problem) => unknown)(
      parsed.data,
      problem,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  // Tools redact every configured secret, by value, from their output and the audit log.
  (built.tools as ToolSettings).secrets = configuredSecrets(env);
  return built as ServerConfig;
}
