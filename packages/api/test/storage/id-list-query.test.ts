import { afterEach, describe, expect, it } from 'vitest';
import { openStorage } from '../../src/db/database.ts';
import { idListQuery } from '../../src/db/id-list-query.ts';
import { cleanup, tempDir } from '../rag/temp.ts';

afterEach(cleanup);

describe('queries over id lists, compiled once per length', () => {
  it('reads the rows of each list, whatever was read before with as many ids', async () => {
    const storage = await openStorage(`${tempDir()}/ids.sqlite`);
    try {
      await storage.db
        .insertInto('collection_indexes')
        .values(['a', 'b', 'c', 'd', 'e'].map((collection) => ({ collection })))
        .execute();
      const byId = idListQuery((db, ids) =>
        db.selectFrom('collection_indexes').select(['id', 'collection']).where('id', 'in', ids),
      );
      const names = async (ids: number[]) =>
        (await byId(storage.db, ids)).map((r) => r.collection).sort();
      expect(await names([1, 2])).toEqual(['a', 'b']);
      expect(await names([4, 5])).toEqual(['d', 'e']);
      expect(await names([3])).toEqual(['c']);
      expect(await names([5, 1, 3])).toEqual(['a', 'c', 'e']);

      // A query with parameters besides the ids is compiled every time, so each call's own hold.
      const except = (name: string) =>
        idListQuery((db, ids) =>
          db
            .selectFrom('collection_indexes')
            .select('collection')
            .where('collection', '!=', name)
            .where('id', 'in', ids),
        );
      const withoutA = except('a');
      expect((await withoutA(storage.db, [1, 2])).map((r) => r.collection)).toEqual(['b']);
      expect((await withoutA(storage.db, [3, 4])).map((r) => r.collection).sort()).toEqual([
        'c',
        'd',
      ]);
    } finally {
      await storage.close();
    }
  });
});
