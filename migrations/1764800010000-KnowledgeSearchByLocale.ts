import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Knowledge-base search reads one GIN index per locale (partial indexes on `locale = 'ru'` and
 * `locale <> 'ru'`) instead of one for all: a word of one language otherwise walks the postings of
 * every article of the other, which its configuration then rejects one heap row at a time (a
 * common Russian word read some 13,000 English-configured rows at 100,000 articles).
 */
export class KnowledgeSearchByLocale1764800010000 implements MigrationInterface {
  name = 'KnowledgeSearchByLocale1764800010000';

  async up(q: QueryRunner): Promise<void> {
    for (const [column, name] of [
      ['search_vector', 'search'],
      ['title_vector', 'title'],
    ]) {
      await q.query(`CREATE INDEX articles_${name}_en_idx ON articles USING gin (${column}) WITH (fastupdate = off) WHERE locale <> 'ru'`);
      await q.query(`CREATE INDEX articles_${name}_ru_idx ON articles USING gin (${column}) WITH (fastupdate = off) WHERE locale = 'ru'`);
      await q.query(`DROP INDEX articles_${column}_idx`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [column, name] of [
      ['search_vector', 'search'],
      ['title_vector', 'title'],
    ]) {
      await q.query(`CREATE INDEX articles_${column}_idx ON articles USING gin (${column}) WITH (fastupdate = off)`);
      await q.query(`DROP INDEX articles_${name}_en_idx`);
      await q.query(`DROP INDEX articles_${name}_ru_idx`);
    }
  }
}
