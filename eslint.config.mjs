// Type-aware lint for every workspace. Chaincode gets extra rules that ban sources of non-determinism.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'coverage/**',
      'crypto-config/out/**',
      '.data/**',
      'network/.run/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.ts', 'gateway/bin/*.js'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Chaincode must give byte-identical results on every endorsing peer.
    files: ['chaincode/src/**/*.ts'],
    ignores: ['chaincode/src/**/*.test.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'Date', message: 'Use the transaction timestamp (ctx.stub.getTxTimestamp()).' },
        'setTimeout',
        'setInterval',
        'process',
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Chaincode must be deterministic.' },
        { object: 'crypto', property: 'randomBytes', message: 'Chaincode must be deterministic.' },
        { object: 'crypto', property: 'randomUUID', message: 'Chaincode must be deterministic.' },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            'fs',
            'node:fs',
            'http',
            'node:http',
            'https',
            'node:https',
            'net',
            'node:net',
            'child_process',
            'node:child_process',
            'os',
            'node:os',
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ForInStatement',
          message: 'for…in order depends on how an object was built; iterate sorted keys.',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
  },
  {
    // Plain .js files here (jest.config.js) are CommonJS, loaded by tools that require() them.
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
