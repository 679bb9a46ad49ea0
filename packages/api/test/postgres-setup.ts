import type { TestProject } from 'vitest/node';
import { startPostgres } from '../src/testing/services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The throwaway PostgreSQL server of the `postgres` test project. */
    postgresUrl: string;
  }
}

/** Starts one PostgreSQL for the project's tests (each test database is created on it). */
export default async function setup(project: TestProject) {
  const postgres = await startPostgres();
  project.provide('postgresUrl', postgres.url);
  return () => postgres.stop();
}
