import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: false },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // The core takes time and timers from its injected clock and scheduler.
    files: ['server/monitor/**/*.ts'],
    ignores: ['server/monitor/scheduler.ts', 'server/monitor/clock.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use the injected clock.' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use the injected scheduler.' },
        { name: 'setInterval', message: 'Use the injected scheduler.' },
      ],
    },
  },
  {
    // shared/ is runtime-neutral.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'ws', 'socket.io*'] }],
      'no-restricted-globals': [
        'error',
        { name: 'Buffer', message: 'shared/ is runtime-neutral.' },
      ],
    },
  },
);
