/**
 * Conversion to simplified characters by stretches gives what converting the whole text gives
 * (the converter's dictionaries end every match at a character in no key).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import * as OpenCC from 'opencc-js';
import { byCharacter, mayConvert, toSimplified } from '../lib/script.js';
import { NATIONAL_CORPUS, readNationalReports } from '../bench/shared.js';
import { RAW, SEEDS } from './helpers.js';

const convert = OpenCC.Converter({ from: 't', to: 'cn' });

/** toSimplified as first written: the whole text through the converter (by character where a length changes). */
function reference(text: string): string {
  const whole = convert(text);
  return whole.length === text.length ? whole : byCharacter(text, convert);
}

describe('script: conversion by stretches', () => {
  test('phrases, compatibility ideographs, description sequences and mixed scripts convert as a whole text does', () => {
    const piece = fc.constantFrom('經濟', '增長', '億元', '乾隆', '一目瞭然', '台灣', '\uFA26', '⿰木木', '⿱', '发展', '的', '，', '。', 'GDP', '6.1%', ' ', '𠀀', '著', '乾', '於', '麼', '幹部', '後');
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
      const text = parts.join('');
      assert.equal(toSimplified(text), reference(text));
    }), { numRuns: 3000 });
  });

  test('text the shortcut passes by is text the converter leaves as it is, also where a character changes only inside a phrase (坏 in 土坏, 覆 in 反覆)', () => {
    const piece = fc.constantFrom('坏', '破坏', '土', '土坏', '坏土', '么', '什么', '么麽', '覆', '反覆', '覆盖', '沈', '沈阳', '俱', '与俱', '𠀀', '經', '的', '，', '1');
    fc.assert(fc.property(fc.array(piece, { maxLength: 20 }), (parts) => {
      const text = parts.join('');
      if (!mayConvert(text)) assert.equal(convert(text), text);
      assert.equal(toSimplified(text), reference(text));
    }), { numRuns: 3000 });
    assert.equal(mayConvert('破坏'), false);
    assert.equal(mayConvert('土坏'), true);
  });

  const skip = !existsSync(NATIONAL_CORPUS) && !process.env['CI'] ? 'no ../shared beside this clone' : false;
  test('every line of the seeds and the national reports', { skip }, () => {
    const texts = [...SEEDS.map((f) => readFileSync(join(RAW, f), 'utf8')), ...readNationalReports().map((r) => r.content)];
    for (const line of texts.flatMap((t) => t.split('\n'))) assert.equal(toSimplified(line), reference(line));
  });
});
