import type { Settings } from '../api'
import type { MessageKey, Vars } from '../i18n'

// The settings form: a text draft of Settings, its validation (mirroring the Go side's
// rules so mistakes show before Save) and the conversion back.

export interface SettingsDraft {
  dataPaths: string[]
  excludes: string[]
  versionKey: string
  keepLast: string
  keepDays: string
}

export interface FieldError {
  key: MessageKey
  vars?: Vars
}

export type DraftErrors = Partial<Record<keyof SettingsDraft, FieldError>>

export function toDraft(s: Settings): SettingsDraft {
  return {
    dataPaths: [...s.dataPaths],
    excludes: [...s.excludes],
    versionKey: s.versionKey,
    keepLast: String(s.retention.keepLast),
    keepDays: String(s.retention.keepDays),
  }
}

const clean = (paths: readonly string[]) => paths.map((p) => p.trim()).filter((p) => p !== '')

/** fromDraft builds the Settings to save; blank rows are dropped. */
export function fromDraft(d: SettingsDraft, storageDir: string): Settings {
  return {
    dataPaths: clean(d.dataPaths),
    excludes: clean(d.excludes),
    versionKey: d.versionKey.trim(),
    storageDir,
    retention: { keepLast: Number(d.keepLast.trim()), keepDays: Number(d.keepDays.trim()) },
  }
}

// Like Go's filepath.IsLocal: relative, and not leaving the directory.
function pathError(paths: readonly string[]): FieldError | undefined {
  const seen = new Set<string>()
  for (const p of clean(paths)) {
    if (p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:/.test(p)) return { key: 'settings.errAbsolute', vars: { path: p } }
    const parts = p.split(/[\\/]+/).filter((s) => s !== '' && s !== '.')
    if (parts.length === 0 || parts.includes('..')) return { key: 'settings.errOutside', vars: { path: p } }
    const norm = parts.join('/')
    if (seen.has(norm)) return { key: 'settings.errDuplicate', vars: { path: p } }
    seen.add(norm)
  }
  return undefined
}

const maxCount = 100000

function countError(text: string): FieldError | undefined {
  const v = text.trim()
  if (!/^\d+$/.test(v) || Number(v) > maxCount) return { key: 'settings.errCount', vars: { max: maxCount } }
  return undefined
}

/** validateDraft returns one error per field that is not valid (empty: all valid). */
export function validateDraft(d: SettingsDraft): DraftErrors {
  const errors: DraftErrors = {}
  const data = pathError(d.dataPaths)
  if (data) errors.dataPaths = data
  const excl = pathError(d.excludes)
  if (excl) errors.excludes = excl
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(d.versionKey.trim())) errors.versionKey = { key: 'settings.errVersionKey' }
  const last = countError(d.keepLast)
  if (last) errors.keepLast = last
  const days = countError(d.keepDays)
  if (days) errors.keepDays = days
  return errors
}

/** sameSettings compares what Save would send with what is saved. */
export function sameSettings(a: Settings, b: Settings): boolean {
  const list = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((v, i) => v === y[i])
  return (
    list(a.dataPaths, b.dataPaths) &&
    list(a.excludes, b.excludes) &&
    a.versionKey === b.versionKey &&
    a.retention.keepLast === b.retention.keepLast &&
    a.retention.keepDays === b.retention.keepDays
  )
}

/** isAbsoluteDir accepts "/x" (and "C:\x" on Windows). */
export function isAbsoluteDir(dir: string): boolean {
  const d = dir.trim()
  return d.startsWith('/') || /^[A-Za-z]:[\\/]/.test(d)
}
