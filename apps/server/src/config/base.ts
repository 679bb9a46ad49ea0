import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { defineSection, nodeEnv, port } from './section.ts';

const defaultWebRoot = fileURLToPath(new URL('../../../web/dist', import.meta.url));

export const baseSection = defineSection(
  {
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port.default(8787),
    NODE_ENV: nodeEnv,
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_PATH: z.string().min(1).optional(),
    WEB_ROOT: z.string().min(1).default(defaultWebRoot),
  },
  (e) => {
    const dataDir = resolve(e.DATA_DIR);
    return {
      host: e.HOST,
      port: e.PORT,
      nodeEnv: e.NODE_ENV,
      logLevel: e.LOG_LEVEL,
      dataDir,
      databasePath: resolve(e.DATABASE_PATH ?? resolve(dataDir, 'bastion.sqlite')),
      /** Built web app to serve, or null to serve the API only. */
      webRoot: e.WEB_ROOT === 'none' ? null : resolve(e.WEB_ROOT),
    };
  },
);
