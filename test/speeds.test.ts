import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classificationProblems, testFiles } from './run.js';
import { INTEGRATION, UNIT } from './speeds.js';

describe('test speeds (test/speeds.ts)', () => {
  it('classifies every test file exactly once', () => {
    assert.deepEqual(classificationProblems(testFiles()), []);
  });

  it('names a file that is in neither list, and one listed that is gone', () => {
    const unit = UNIT[0] as string;
    const files = [...UNIT, ...INTEGRATION, 'test/new/thing.test.ts'].filter((f) => f !== unit);
    assert.deepEqual(classificationProblems(files), [
      'test/new/thing.test.ts is in neither UNIT nor INTEGRATION',
      `${unit} is listed but does not exist`,
    ]);
  });

  it('finds test files below test/ and leaves test/faults to its own runner', () => {
    const files = testFiles();
    assert.ok(files.includes('test/speeds.test.ts'));
    assert.ok(files.every((f) => f.endsWith('.test.ts') && !f.startsWith('test/faults/')));
  });
});
