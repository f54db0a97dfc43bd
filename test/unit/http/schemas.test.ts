/**
 * The request bodies' checks, case by case, with the exact words a caller
 * reads. These are the answers the API gave when the bodies were zod
 * schemas; they must not change.
 */
import { describe, expect, it } from 'vitest';
import { type BodyCheck, deactivateBody, legalHoldBody } from '../../../functions/http/schemas.ts';

const problems = (result: BodyCheck<unknown>) => (result.ok ? [] : result.problems);

describe('the deactivate body', () => {
  it.each([
    [{}, {}],
    [{ reason: 'moving on' }, { reason: 'moving on' }],
    // Not trimmed, unlike a hold's reason.
    [{ reason: '  ok  ' }, { reason: '  ok  ' }],
    [{ reason: '' }, { reason: '' }],
    [{ reason: 'x'.repeat(500) }, { reason: 'x'.repeat(500) }],
    // Characters, not UTF-16 units: 250 emoji are 500 characters.
    [{ reason: '😀'.repeat(250) }, { reason: '😀'.repeat(250) }],
  ])('takes %j', (body, value) => {
    expect(deactivateBody.check(body)).toEqual({ ok: true, value });
  });

  it.each([
    [{ reason: 42 }, ['reason must be a string']],
    [{ reason: null }, ['reason must be a string']],
    [{ reason: 'x'.repeat(501) }, ['reason must be at most 500 characters']],
    [{ reason: '😀'.repeat(501) }, ['reason must be at most 500 characters']],
    [{ status: 'ACTIVE' }, ['unknown field(s): status']],
    [{ status: 1, a: 2, reason: 5 }, ['reason must be a string', 'unknown field(s): status, a']],
    [JSON.parse('{"__proto__":{"y":1}}'), ['unknown field(s): __proto__']],
  ])('refuses %j', (body, expected) => {
    expect(problems(deactivateBody.check(body))).toEqual(expected);
  });

  it('may be left out', () => {
    expect(deactivateBody.optional).toBe(true);
  });
});

describe('the legal hold body', () => {
  it.each([
    [{ reason: 'court order 12' }, { reason: 'court order 12' }],
    [{ reason: '  court order  ' }, { reason: 'court order' }],
    [{ reason: ` ${'x'.repeat(500)} ` }, { reason: 'x'.repeat(500) }],
  ])('takes %j', (body, value) => {
    expect(legalHoldBody.check(body)).toEqual({ ok: true, value });
  });

  it.each([
    [{}, ['reason must be a string']],
    [{ reason: '' }, ['reason must not be empty']],
    [{ reason: '   ' }, ['reason must not be empty']],
    [{ reason: 'x'.repeat(501) }, ['reason must be at most 500 characters']],
    [{ reason: 42, x: 1 }, ['reason must be a string', 'unknown field(s): x']],
    [{ a: 1, b: 2 }, ['reason must be a string', 'unknown field(s): a, b']],
  ])('refuses %j', (body, expected) => {
    expect(problems(legalHoldBody.check(body))).toEqual(expected);
  });

  it('is required', () => {
    expect(legalHoldBody.optional).toBe(false);
  });
});
