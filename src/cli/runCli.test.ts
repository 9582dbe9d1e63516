import { describe, expect, it } from 'vitest';
import { cliMessage } from './runCli';

describe("the command line's error messages", () => {
  it('give the settings the engine names in words their flags', () => {
    expect(cliMessage(new Error('cannot reach it; check that the server URL points at "npm start"'))).toBe(
      'cannot reach it; check that the server URL (--server-url) points at "npm start"',
    );
    expect(cliMessage(new Error('start "npm start" or give the URL of a running one'))).toBe(
      'start "npm start" or give the URL of a running one (--server-url)',
    );
    expect(cliMessage(new Error('still thinking; switch its thinking off (thinking: off)'))).toBe(
      'still thinking; switch its thinking off (--thinking off)',
    );
    expect(cliMessage(new Error('x is not in the registry, so its pooling must be given: cls, mean'))).toBe(
      'x is not in the registry, so its pooling must be given (--pooling): cls, mean',
    );
    expect(cliMessage(new Error('cut the file down (a document cap keeps every labelled text)'))).toBe(
      'cut the file down (a document cap (--max-documents) keeps every labelled text)',
    );
  });

  it('leave other messages as they are', () => {
    expect(cliMessage(new Error('the dataset is empty'))).toBe('the dataset is empty');
    expect(cliMessage('a thrown string')).toBe('a thrown string');
  });
});
