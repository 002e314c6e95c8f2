import js from '@eslint/js';
import jest from 'eslint-plugin-jest';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.data/', 'uploads/', 'bench/baseline/node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-console': 'error',
    },
  },
  {
    // Business rules stay plain TypeScript: no framework, no ORM, no entities.
    files: ['src/**/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@nestjs/*', 'typeorm', '**/*.entity.js', '#src/**/*.entity.js'], message: 'domain/ is framework-free' }] },
      ],
    },
  },
  {
    // The module graph stays acyclic: tickets use the SLA module's policies and math, never the reverse.
    // (A later block replaces an earlier one's rule for the same files, so domain/ repeats its own.)
    files: ['src/modules/sla/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['#src/modules/tickets/**', '**/modules/tickets/**'], message: 'the SLA module must not import the tickets module' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/modules/sla/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', 'typeorm', '**/*.entity.js', '#src/**/*.entity.js'], message: 'domain/ is framework-free' },
            { group: ['#src/modules/tickets/**', '**/modules/tickets/**'], message: 'the SLA module must not import the tickets module' },
          ],
        },
      ],
    },
  },
  {
    // Imports run one way: modules build on common/ and config/, never the reverse (not even types).
    // A module adds its events to DomainEvents from its own *.events.ts instead.
    files: ['src/common/**/*.ts', 'src/config/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['#src/modules/**', '**/modules/**'], message: 'src/common and src/config import nothing from src/modules' }] },
      ],
    },
  },
  {
    // `npm test` type-checks src with Jest's types loaded (one compiler run, see package.json "compile");
    // `npm run build` leaves them out. This keeps the test globals out of the service's code either way.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['describe', 'it', 'test', 'expect', 'jest', 'beforeAll', 'beforeEach', 'afterAll', 'afterEach', 'fail', 'xit', 'xdescribe', 'fit', 'fdescribe'].map(
          (name) => ({ name, message: 'test globals belong in *.spec.ts files' }),
        ),
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    plugins: { jest },
    rules: {
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/no-identical-title': 'error',
      'jest/valid-expect': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: Object.fromEntries(
        ['process', 'console', 'Buffer', 'URL', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'fetch', 'performance'].map((name) => [name, 'readonly']),
      ),
    },
    rules: { 'no-console': 'off' },
  },
  {
    // The console and the widget run in browsers (src/modules/web/public): the browser's globals, not Node's.
    files: ['src/modules/web/public/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(
        ['window', 'document', 'navigator', 'location', 'localStorage', 'sessionStorage', 'fetch', 'FormData', 'URL', 'URLSearchParams',
          'TextDecoderStream', 'AbortSignal', 'crypto', 'console', 'setTimeout', 'clearTimeout'].map((name) => [name, 'readonly']),
      ),
    },
    rules: { 'no-console': 'error' },
  },
);
