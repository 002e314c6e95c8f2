import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/**
 * There is no Docker engine here, so the container files are checked by reading them: the
 * compose wiring must match the settings the service documents and the Dockerfile must run
 * what `npm start` runs.
 */
interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, unknown>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
  volumes?: string[];
  ports?: string[];
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const envExampleKeys = readFileSync('.env.example', 'utf8')
  .split('\n')
  .filter((line) => /^[A-Z_]+=/.test(line))
  .map((line) => line.split('=')[0]);
/** Settings that only matter without DATABASE_URL, which compose always sets. */
const EMBEDDED_ONLY = ['EMBEDDED_PG_DIR', 'EMBEDDED_PG_PORT'];

describe('docker-compose.yml', () => {
  const { db, app } = compose.services;

  it('runs PostgreSQL 17 with a health check and a named volume', () => {
    expect(db.image).toBe('postgres:17');
    expect(JSON.stringify(db.healthcheck?.test)).toContain('pg_isready');
    expect(db.volumes).toContain('pgdata:/var/lib/postgresql/data');
    expect(compose.volumes).toHaveProperty('pgdata');
  });

  it('builds the service, waits for a healthy database and checks /health', () => {
    expect(app.build).toBe('.');
    expect(app.depends_on).toEqual({ db: { condition: 'service_healthy' } });
    expect(JSON.stringify(app.healthcheck?.test)).toContain('/health');
    expect(app.volumes).toContain('uploads:/app/uploads');
    expect(compose.volumes).toHaveProperty('uploads');
  });

  it('points DATABASE_URL at the db service with its credentials', () => {
    const url = String(app.environment?.DATABASE_URL);
    expect(url).toMatch(/^postgres:\/\/support:.+@db:5432\/support$/);
    expect(db.environment).toMatchObject({ POSTGRES_USER: 'support', POSTGRES_DB: 'support' });
  });

  it('passes every documented setting, and none that is undocumented', () => {
    const composeKeys = Object.keys(app.environment ?? {}).sort();
    expect(composeKeys).toEqual(envExampleKeys.filter((key) => !EMBEDDED_ONLY.includes(key)).sort());
  });

  it('requires a JWT secret instead of shipping one', () => {
    expect(String(app.environment?.JWT_SECRET)).toMatch(/^\$\{JWT_SECRET:\?/);
    expect(app.environment?.NODE_ENV).toBe('production');
  });
});

describe('.env.example', () => {
  it('documents every setting the service reads', () => {
    const source = readFileSync('src/config/app-config.ts', 'utf8');
    const read = [...source.matchAll(/\br\s*\.\w+(?:<[^>]+>)?\('([A-Z_]+)'/g)].map((m) => m[1]);
    expect(read.length).toBeGreaterThan(20);
    expect([...new Set(read)].sort()).toEqual([...envExampleKeys].sort());
  });

  it('ships no secret but the marked development default', () => {
    const text = readFileSync('.env.example', 'utf8');
    expect(text).toMatch(/^JWT_SECRET=dev-only-secret-change-me$/m);
    expect(text).toMatch(/^ADMIN_PASSWORD=$/m);
    expect(text).toMatch(/^LLM_API_KEY=$/m);
    expect(text).toMatch(/^DATABASE_URL=$/m);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');

  it('builds in one stage and runs the built service as a non-root user in another', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/RUN npm ci/);
    expect(dockerfile).toMatch(/npm run build/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/CMD \["node", "--max-semi-space-size=32", "dist\/src\/main\.js"\]/);
    expect(dockerfile).toMatch(/HEALTHCHECK .*\n?.*\/health/);
  });

  it('starts the same entry point with the same Node flags as npm start and the benchmarks', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('node --max-semi-space-size=32 dist/src/main.js');
    expect(readFileSync('bench/lib/harness.js', 'utf8')).toContain("SERVICE_NODE_FLAGS = ['--max-semi-space-size=32']");
  });
});
