import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every relative link in README.md and docs/*.md points to a file that exists, and to a heading in it. */

const root = path.resolve(import.meta.dirname, '..');
const documents = [
  path.join(root, 'README.md'),
  ...readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join(root, 'docs', f)),
];

/** The text outside fenced code blocks (a link-like string inside a code sample is not a link). */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- ]/gu, '')
    .replace(/ /g, '-');
}

function anchors(file: string): Set<string> {
  const headings = prose(readFileSync(file, 'utf8')).match(/^#{1,6} .+$/gm) ?? [];
  return new Set(headings.map((h) => anchorOf(h.replace(/^#+ /, ''))));
}

describe('documentation links', () => {
  it('resolve to existing files and headings', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const file of documents) {
      const text = prose(readFileSync(file, 'utf8')).replace(/`[^`\n]*`/g, '');
      for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = match[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        checked++;
        const [where, anchor] = target.split('#');
        const resolved = where ? path.resolve(path.dirname(file), decodeURI(where)) : file;
        const name = `${path.relative(root, file)}: ${target}`;
        if (!existsSync(resolved)) broken.push(`${name} (no such file)`);
        else if (anchor && (statSync(resolved).isDirectory() || !anchors(resolved).has(anchor)))
          broken.push(`${name} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });
});
