import { defineBastionConfig } from '../../vitest.shared.ts';

/**
 * Two projects: every test on the embedded SQLite default, and the storage-facing suites again on
 * a throwaway PostgreSQL (the same files; test/storage.ts picks the engine), so both storages
 * pass one suite.
 */
export default defineBastionConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'sqlite' } },
      {
        extends: true,
        test: {
          name: 'postgres',
          // Every suite that reads or writes the database (through test/storage.ts or
          // test/rag/helpers.ts). The rest hold no storage: running them twice would prove nothing.
          include: [
            'test/rag/search.test.ts',
            'test/rag/results.test.ts',
            'test/rag/ingest.test.ts',
            'test/rag/router.test.ts',
            'test/feedback.test.ts',
            'test/analytics-store.test.ts',
            'test/analytics-router.test.ts',
          ],
          env: { BASTION_TEST_STORAGE: 'postgres' },
          globalSetup: ['test/postgres-setup.ts'],
        },
      },
    ],
  },
});
