import type { TestProject } from 'vitest/node';
import { openPostgres } from '../src/storage/postgres.ts';
import { createDatabase, startPostgres } from '../src/testing/services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The throwaway PostgreSQL server of the `postgres` test project. */
    postgresUrl: string;
    /** A database on it with every migration applied: each test database is a copy. */
    postgresTemplate: string;
  }
}

export const TEMPLATE_DATABASE = 'bastion_template';

/** Starts one PostgreSQL for the project's tests, with a migrated template database. */
export default async function setup(project: TestProject) {
  const postgres = await startPostgres();
  try {
    const storage = await openPostgres({
      url: await createDatabase(postgres.url, TEMPLATE_DATABASE),
    });
    await storage.close();
  } catch (error) {
    await postgres.stop();
    throw error;
  }
  project.provide('postgresUrl', postgres.url);
  project.provide('postgresTemplate', TEMPLATE_DATABASE);
  return () => postgres.stop();
}
