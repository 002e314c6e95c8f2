import { DataSource } from 'typeorm';
import { loadConfig } from '#src/config/app-config.js';
import { dataSourceOptions } from '#src/database/data-source.js';

/**
 * For the TypeORM CLI only (`npm run migration:generate -- migrations/<Timestamp>-<Name>`): needs
 * DATABASE_URL pointing at a database migrated to the latest schema. Register the new migration
 * class in MIGRATIONS (data-source.ts).
 */
const url = loadConfig(process.env).databaseUrl;
if (!url) throw new Error('Set DATABASE_URL to generate migrations');

export default new DataSource(dataSourceOptions(url));
