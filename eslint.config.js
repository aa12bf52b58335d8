// Lint is part of `npm test`: it fails on focused/skipped tests and on @ts-ignore (STYLE.md).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', '.data/**', '**/*.gen.ts', '**/*.gen.js', '**/*.gen.d.ts', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-ignore': true, 'ts-nocheck': true, 'ts-expect-error': 'allow-with-description' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name=/^(it|test|describe|suite)$/][property.name=/^(only|skip|todo)$/]",
          message: 'Focused, skipped or todo tests must not be committed.',
        },
      ],
    },
  },
  {
    // CloudFront Functions: a top-level `handler` the runtime calls, ES5-style catch bindings.
    files: ['**/*.cloudfront.js'],
    rules: { '@typescript-eslint/no-unused-vars': 'off' },
  },
);
