import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeUpstreams, parseServerConfig } from './config';

describe('parseServerConfig', () => {
  it('has safe defaults', () => {
    const config = parseServerConfig([], {});
    expect(config).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      concurrency: 30,
      timeoutMs: 60_000,
      retries: 3,
      thinking: 'reference',
      openaiBaseUrl: 'https://api.openai.com/v1',
      cacheDir: path.resolve('.cache/teacher'),
      build: true,
    });
    expect(config.baseUrl).toBeUndefined();
    expect(config.dataDir).toBeUndefined();
  });

  it('reads the environment, and flags win over it', () => {
    const env = {
      PORT: '9000',
      BASE_URL: 'http://127.0.0.1:4000',
      API_KEY: 'k',
      CONCURRENCY: '5',
      TIMEOUT: '2.5',
      DATA_DIR: '/srv/data',
    };
    expect(parseServerConfig([], env)).toMatchObject({
      port: 9000,
      baseUrl: 'http://127.0.0.1:4000',
      apiKey: 'k',
      concurrency: 5,
      timeoutMs: 2500,
      dataDir: '/srv/data',
    });
    const flags = parseServerConfig(
      ['--port', '0', '--concurrency', '2', '--no-cache', '--thinking', 'off'],
      env,
    );
    expect(flags).toMatchObject({ port: 0, concurrency: 2, thinking: 'off' });
    expect(flags.cacheDir).toBeUndefined();
  });

  it('refuses bad values with a message that names the option', () => {
    expect(() => parseServerConfig(['--port', 'x'], {})).toThrow(/--port \(PORT\) must be a number/);
    expect(() => parseServerConfig([], { CONCURRENCY: '0' })).toThrow(/CONCURRENCY/);
    expect(() => parseServerConfig([], { RETRIES: '1.5' })).toThrow(/whole number/);
    expect(() => parseServerConfig([], { THINKING: 'sometimes' })).toThrow(/reference, off, on/);
    expect(() => parseServerConfig([], { BASE_URL: 'localhost:4000' })).toThrow(/BASE_URL must be an http/);
    expect(() => parseServerConfig([], { BASE_URL: 'not a url' })).toThrow(/BASE_URL must be a URL/);
  });

  it('describes the upstreams without keys or URL credentials', () => {
    const text = describeUpstreams(
      parseServerConfig([], {
        BASE_URL: 'https://user:hunter22@llm.example.org/v1?key=abc',
        API_KEY: 'sekret-key',
      }),
    );
    expect(text).toContain('https://llm.example.org/v1 with API_KEY');
    expect(text).not.toMatch(/hunter22|sekret-key|abc/);
    expect(text).toMatch(/OpenAI\/<model>: not configured \(set OPENAI_API_KEY\)/);
  });
});
