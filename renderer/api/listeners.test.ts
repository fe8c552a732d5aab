import { describe, expect, it } from 'vitest';
import { createListeners } from './listeners';

describe('API event listeners', () => {
  it('calls the listeners of one event in the order added, and not after they are removed', () => {
    const l = createListeners();
    const got: string[] = [];
    const off1 = l.on('apply:progress', (p) => got.push(`1:${String(p)}`));
    l.on('apply:progress', (p) => got.push(`2:${String(p)}`));
    l.on('capture:stopped', (p) => got.push(`other:${String(p)}`));
    l.emit('apply:progress', 'a');
    off1();
    l.emit('apply:progress', 'b');
    expect(got).toEqual(['1:a', '2:a', '2:b']);
    // An event nobody listens to is no error.
    expect(() => l.emit('term:exit', 'x')).not.toThrow();
  });
});
