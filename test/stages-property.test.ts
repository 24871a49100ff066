/**
 * Property tests over the whole stage list: arbitrary text never crashes a stage (bad input is a
 * PipelineError, never another exception), and every stage takes time linear in its input on the
 * adversarial shapes named in the issue. Linearity is checked by the ratio of times at n and 4n,
 * so it does not depend on the machine's speed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { Doc } from '../lib/document.js';
import { PipelineError } from '../lib/errors.js';
import { STAGES } from '../pipeline/runner.js';
import { runText } from './helpers.js';

const run = (text: string | Uint8Array): Doc[] => runText(text);

// Pieces that trigger the rules, mixed with arbitrary text.
const PIECES = [
  '一、', '（一）', '1.', '一是', '——', '**', '# ', '[a](http://x.y)', '\\\\_', '　', ' ', '\n', '\n\n', '，', '。', '“', '”',
  '新华社北京5月9日电', '（上接1版）', '图①:', '本期统筹:', '【张三】：', '２０２１', '％', '环境质量方面环境质量方面，，', 'https://a.b/c', '\r\n', '\uFEFF', 'e\u0301',
];
const textArb = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 60 }).map((a) => a.join(''));

describe('no stage crashes on arbitrary input', () => {
  test('arbitrary Unicode text mixed with the rules\' triggers: a result or a PipelineError', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        try {
          const docs = run(text);
          for (const d of docs) for (const p of d.paragraphs!) assert.ok(p.text.length > 0 && p.rawStart <= p.rawEnd);
        } catch (err) {
          if (!(err instanceof PipelineError)) throw err;
        }
      }),
      { numRuns: 400 },
    );
  });

  test('arbitrary bytes: a result or a PipelineError naming the file', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          run(bytes);
        } catch (err) {
          if (!(err instanceof PipelineError)) throw err;
          assert.match(err.message, /^case\.txt: /u);
        }
      }),
      { numRuns: 400 },
    );
  });
});

/** Milliseconds each stage takes on the input (best of four runs, so a garbage collection pause does not count). */
function stageTimes(text: string): Map<string, number> {
  const times = new Map<string, number>();
  for (let round = 0; round < 4; round++) {
    runText(text, 'case.txt', STAGES, (() => {
      let last = performance.now();
      let current = '';
      return (stage: string) => {
        const now = performance.now();
        if (current) times.set(current, Math.min(times.get(current) ?? Infinity, now - last));
        current = stage;
        last = now;
      };
    })());
  }
  return times;
}

describe('every stage is linear in its input', () => {
  const shapes: Array<[string, (n: number) => string]> = [
    ['a long line without punctuation', (n) => '山西'.repeat(n / 2)],
    ['a run of spaces', (n) => '山 ' + ' '.repeat(n) + ' 西'],
    ['repeated headings', (n) => '一、总体要求\n\n'.repeat(n / 8)],
    ['repeated short cut lines', (n) => '推进转型发展\n\n'.repeat(n / 8)],
  ];
  for (const [name, make] of shapes) {
    test(name, () => {
      const small = stageTimes(make(250_000));
      const large = stageTimes(make(1_000_000));
      for (const [stage, t] of large) {
        const base = Math.max(small.get(stage) ?? 0, 5); // below 5 ms, timer and scheduling noise dominate
        assert.ok(t / base < 10, `${stage}: ${t.toFixed(1)} ms for 1M vs ${base.toFixed(1)} ms for 250k (linear would be ~4x)`);
      }
    });
  }
});
