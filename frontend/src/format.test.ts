import { describe, expect, it } from 'vitest'
import { formatCount, formatDate, formatDuration, formatRate, formatSize, shortHash } from './format'

describe('formatSize', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [1572864, '1.5 MiB'],
    [1048575, '1.0 MiB'],
    [5 * 1024 ** 3, '5.0 GiB'],
    [1.25 * 1024 ** 4, '1.3 TiB'],
  ])('%d bytes → %s', (bytes, want) => {
    expect(formatSize(bytes, 'unknown')).toBe(want)
  })

  it.each([[null], [undefined], [-1], [Number.NaN], [Number.POSITIVE_INFINITY]])('%s → the unknown label', (v) => {
    expect(formatSize(v, '未知')).toBe('未知')
  })
})

describe('formatRate and formatDuration', () => {
  it('renders a rate per second, unknown when zero', () => {
    expect(formatRate(2097152, '?')).toBe('2.0 MiB/s')
    expect(formatRate(0, '?')).toBe('?')
  })
  it.each([
    [0, '0 s'],
    [45, '45 s'],
    [185, '3 min 05 s'],
    [7620, '2 h 07 min'],
    [-1, '?'],
  ])('%d s → %s', (s, want) => {
    expect(formatDuration(s, '?')).toBe(want)
  })
  it('groups digits by locale', () => {
    expect(formatCount(12345, 'en-US', '?')).toBe('12,345')
    expect(formatCount(null, 'en-US', '?')).toBe('?')
  })
})

describe('formatDate', () => {
  it('shows a UTC instant in the local zone, not as naive local time', () => {
    const got = formatDate('2025-10-31T02:00:00Z', 'en-US', '?', 'Asia/Shanghai')
    expect(got.text).toBe('10/31/2025, 10:00:00')
    expect(got.title).toContain('10:00:00')
    expect(got.title).toMatch(/China Standard Time|GMT\+8/)
    expect(got.iso).toBe('2025-10-31T02:00:00.000Z')
  })

  it('honours the offset in the timestamp', () => {
    const got = formatDate('2025-10-31T10:00:00+08:00', 'zh-CN', '?', 'UTC')
    expect(got.text).toBe('2025/10/31 02:00:00')
    expect(got.title).toMatch(/协调世界时|UTC/)
  })

  it.each([[''], [null], ['not a date']])('%s → unknown', (v) => {
    expect(formatDate(v, 'en-US', 'unknown')).toEqual({ text: 'unknown', title: 'unknown', iso: '' })
  })
})

describe('shortHash', () => {
  it('drops the algorithm prefix and keeps 12 digits', () => {
    expect(shortHash('sha256:0123456789abcdef')).toBe('0123456789ab')
    expect(shortHash('shop@sha256:fedcba9876543210')).toBe('fedcba987654')
    expect(shortHash('')).toBe('')
  })
})
