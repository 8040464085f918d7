import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

test('the committed API types are what the generator makes of the swagger', async () => {
  const { generate, OUTPUT } = await import('../../scripts/gen-api-types.mjs');
  assert.equal(fs.readFileSync(OUTPUT, 'utf8'), await generate(), 'run `pnpm -C packages/shared gen:api`');
});
