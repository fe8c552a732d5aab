import { describe, expect, it } from 'vitest';
import { parseServeFlags } from './serve-command';

describe('parseServeFlags', () => {
  it('reads --port and --open in both spellings', () => {
    expect(parseServeFlags([])).toEqual({ port: 0, open: false, help: false });
    expect(parseServeFlags(['--port', '8080', '--open'])).toEqual({ port: 8080, open: true, help: false });
    expect(parseServeFlags(['--port=9000'])).toEqual({ port: 9000, open: false, help: false });
  });
  it('refuses bad ports and unknown flags in plain words', () => {
    expect(() => parseServeFlags(['--port'])).toThrow(/needs a port number/);
    expect(() => parseServeFlags(['--port', '70000'])).toThrow(/needs a port number/);
    expect(() => parseServeFlags(['--port', 'abc'])).toThrow(/"abc"/);
    expect(() => parseServeFlags(['--host', '0.0.0.0'])).toThrow(/unknown option "--host"/);
  });
});
