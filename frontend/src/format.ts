// Pure formatting helpers. Callers pass the localized "unknown" label and the locale, so
// these functions stay free of React and easy to test.

const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']

function known(n: number | null | undefined): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0
}

/** formatSize renders bytes in binary units with one decimal: "0 B", "512 B", "1.5 MiB". */
export function formatSize(bytes: number | null | undefined, unknown: string): string {
  if (!known(bytes)) return unknown
  if (bytes < 1024) return `${Math.round(bytes)} B`
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  // 1023.96 KiB would print as "1024.0 KiB": carry into the next unit instead.
  if (Number(value.toFixed(1)) >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

/** formatRate renders bytes per second, e.g. "12.0 MiB/s". */
export function formatRate(bytesPerSecond: number | null | undefined, unknown: string): string {
  if (!known(bytesPerSecond) || bytesPerSecond === 0) return unknown
  return `${formatSize(bytesPerSecond, unknown)}/s`
}

/** formatCount groups digits for the locale: 12345 → "12,345". */
export function formatCount(n: number | null | undefined, locale: string, unknown: string): string {
  if (!known(n)) return unknown
  return new Intl.NumberFormat(locale).format(n)
}

/** formatDuration renders seconds as "45 s", "3 min 05 s", "2 h 07 min"; negative → unknown. */
export function formatDuration(seconds: number | null | undefined, unknown: string): string {
  if (!known(seconds)) return unknown
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`
  const h = Math.floor(m / 60)
  return `${h} h ${String(m % 60).padStart(2, '0')} min`
}

export interface FormattedDate {
  /** Local wall-clock time without the zone, for the cell text. */
  text: string
  /** The same instant with the zone name, for the title attribute. */
  title: string
  /** The machine-readable value for <time dateTime>. */
  iso: string
}

/**
 * formatDate parses an RFC 3339 timestamp (with its offset) and renders it in local time;
 * the title names the zone. timeZone is for tests; the UI uses the system zone.
 */
export function formatDate(
  rfc3339: string | null | undefined,
  locale: string,
  unknown: string,
  timeZone?: string,
): FormattedDate {
  const date = rfc3339 ? new Date(rfc3339) : null
  if (!date || Number.isNaN(date.getTime())) return { text: unknown, title: unknown, iso: '' }
  const base: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }
  return {
    text: new Intl.DateTimeFormat(locale, base).format(date),
    title: new Intl.DateTimeFormat(locale, { ...base, timeZoneName: 'long' }).format(date),
    iso: date.toISOString(),
  }
}

/** shortHash shows the first 12 hex digits of a digest, keeping any "sha256:" prefix out. */
export function shortHash(hash: string | null | undefined): string {
  if (!hash) return ''
  const hex = hash.includes(':') ? hash.slice(hash.indexOf(':') + 1) : hash
  return hex.slice(0, 12)
}

/** secondsBetween returns end − start in seconds, or null when either is missing or invalid. */
export function secondsBetween(start: string | null | undefined, end: string | null | undefined): number | null {
  if (!start || !end) return null
  const a = Date.parse(start)
  const b = Date.parse(end)
  if (Number.isNaN(a) || Number.isNaN(b) || b < a) return null
  return (b - a) / 1000
}
