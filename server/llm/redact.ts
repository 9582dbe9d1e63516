/**
 * Keeps keys out of every response and log line: the configured secrets themselves, credentials in URLs,
 * bearer tokens, `sk-…` keys, and the (partly masked) key some upstreams echo in their error messages.
 */
/** The shortest start of a key, cut off by "…", that is redacted (shorter ones say nothing of the key). */
const MIN_CUT_SECRET = 4;

export class Redactor {
  private readonly secrets: string[];

  /** `secrets`: keys, and URLs whose credentials (if any) are secret. */
  constructor(secrets: (string | undefined)[]) {
    const found = new Set<string>();
    for (const secret of secrets) {
      if (!secret) continue;
      // Of a URL only its user name and password are secret (raw and percent-decoded).
      let url: URL | undefined;
      try {
        url = /^[a-z][a-z0-9+.-]*:\/\//i.test(secret) ? new URL(secret) : undefined;
      } catch {
        url = undefined;
      }
      if (!url) {
        found.add(secret);
        continue;
      }
      for (const part of [url.username, url.password])
        if (part) {
          found.add(part);
          found.add(decodeURIComponent(part));
        }
    }
    // Longest first, so that a secret containing another is replaced whole.
    this.secrets = [...found].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      out = out.split(secret).join('***');
      // A quote cut short ("…", as error messages and quoted replies are) may end inside a key: its start is
      // as secret as the whole.
      for (let n = secret.length - 1; n >= MIN_CUT_SECRET; n--)
        out = out.split(`${secret.slice(0, n)}…`).join('***…');
    }
    return (
      out
        .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@')
        .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, '$1 ***')
        .replace(/\bsk-[A-Za-z0-9_*.…-]{3,}/g, 'sk-***')
        // "api_key=…" with a value that looks like a key (8+ characters, a digit), not "API_KEY: set it".
        .replace(/(api[ _-]?key[^:=\n]{0,20}[:=]\s*)(?=[^\s"',;]*\d)[^\s"',;]{8,}/gi, '$1***')
        // A partly masked key ("lm-stu****CDEF"), whatever its format.
        .replace(/[^\s"'*]*\*{3,}[^\s"'*.,;]*/g, '***')
    );
  }
}

/** A URL without its user name, password, query and fragment: safe to show or log. */
export function publicUrl(text: string | undefined): string | null {
  if (!text) return null;
  try {
    const url = new URL(text);
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return '(not a URL)';
  }
}
