import { describe, expect, it } from 'vitest';
import { studentNames } from './grade-command';

describe('studentNames', () => {
  it('takes the base name, keeps it safe for a file name and unique (case aside)', () => {
    expect(
      studentNames([
        '/x/alice.yaml',
        'y/alice.yml',
        'bob.json',
        'a b.yaml',
        'a_b.yaml',
        '../../.hidden.yaml',
        'Alice.yaml',
        'x/',
      ]),
    ).toEqual(['alice', 'alice-2', 'bob', 'a_b', 'a_b-2', '_hidden', 'Alice-3', 'x']);
  });
});
