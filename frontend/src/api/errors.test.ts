import { describe, expect, it } from 'vitest'
import { toAppError } from './errors'

describe('toAppError', () => {
  it.each([
    [
      'bridge Error with a JSON message',
      new Error('{"code":"busy","message":"backup #4 is running","detail":"job 7"}'),
      { code: 'busy', message: 'backup #4 is running', detail: 'job 7' },
    ],
    ['JSON string', '{"code":"not_found","message":"no backup 9"}', { code: 'not_found', message: 'no backup 9', detail: '' }],
    ['plain Error', new Error('boom'), { code: 'internal', message: 'boom', detail: '' }],
    ['JSON without code', new Error('{"message":"x"}'), { code: 'internal', message: '{"message":"x"}', detail: '' }],
    ['broken JSON', new Error('{"code":'), { code: 'internal', message: '{"code":', detail: '' }],
    ['already an AppError', { code: 'checksum', message: 'mismatch', detail: 'd' }, { code: 'checksum', message: 'mismatch', detail: 'd' }],
    ['something else', 42, { code: 'internal', message: '42', detail: '' }],
  ])('%s', (_name, input, want) => {
    expect(toAppError(input)).toEqual(want)
  })
})
