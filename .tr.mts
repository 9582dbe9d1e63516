import { clincShapedResult } from '/work/main/src/cli/benchOutputs';
import { trecRunFile } from '/work/main/src/core/experiment/trecRun';
import { rawScoresCsv } from '/work/main/src/core/experiment/outputs';
import { ByteChunks } from '/work/main/src/core/experiment/byteChunks';
const result = clincShapedResult();
function consume(chunks: Iterable<Uint8Array>) { let n = 0; for (const c of chunks) n += c.length; return n; }
const cases: Record<string, () => number> = {
  run: () => consume(trecRunFile(result, 'optimized')),
  csv: () => consume(rawScoresCsv(result, 'optimized')),
  unsigned: () => { const o = new ByteChunks(); let n = 0; for (let q = 0; q < 150; q++) for (let r = 1; r <= 15000; r++) { o.reserve(16); o.unsigned(r).byte(32); const c = o.take(); if (c) n += c.length; } return n; },
  float: () => { const o = new ByteChunks(); let n = 0; for (const s of result.scores.optimized) for (let r = 0; r < s.length; r++) { o.reserve(40); o.float32(s[r]).byte(32); const c = o.take(); if (c) n += c.length; } return n; },
};
for (const name of process.argv.slice(2)) { const cpu: string[] = []; for (let r = 0; r < 4; r++) { const c = process.cpuUsage(); cases[name](); const d = process.cpuUsage(c); cpu.push(((d.user + d.system) / 1000).toFixed(0)); } console.log(name, cpu.join(' ')); }
