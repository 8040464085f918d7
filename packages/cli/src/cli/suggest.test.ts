import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { levenshtein, suggestionText, suggestionsFor } from './suggest.js';

describe('suggestions', () => {
  it('measures edits as cobra does', () => {
    assert.equal(levenshtein('imgaes', 'images'), 2);
    assert.equal(levenshtein('pss', 'ps'), 1);
    assert.equal(levenshtein('network', 'network'), 0);
  });
  it('suggests within distance 2 or by prefix', () => {
    const cands = ['images', 'image', 'info', 'inspect', 'ps', 'pull', 'push'];
    assert.deepEqual(suggestionsFor('imgaes', cands), ['images']);
    assert.deepEqual(suggestionsFor('insp', cands), ['info', 'inspect']);
    assert.equal(suggestionText('imgaes', cands), '\n\nDid you mean this?\n\timages\n');
    assert.equal(suggestionText('zzzzzzzz', cands), '');
  });
});
