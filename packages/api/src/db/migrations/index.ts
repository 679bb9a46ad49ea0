import type { Migration } from 'kysely/migration';
import * as knowledgeBase from './0001-knowledge-base.ts';
import * as termVocabulary from './0002-term-vocabulary.ts';
import * as collectionIndexes from './0003-collection-indexes.ts';
import * as feedback from './0004-feedback.ts';
import * as analytics from './0005-analytics.ts';

/**
 * Every migration, in the order they apply; each runs once per database. Released entries are
 * frozen: append a new one (the next number) to change the schema, never edit or reorder.
 */
export const migrations: ReadonlyArray<readonly [name: string, migration: Migration]> = [
  ['0001-knowledge-base', knowledgeBase],
  ['0002-term-vocabulary', termVocabulary],
  ['0003-collection-indexes', collectionIndexes],
  ['0004-feedback', feedback],
  ['0005-analytics', analytics],
];
