import { describe, expect, it } from 'vitest'
import { makeSettings } from '../test/fixtures'
import { fromDraft, isAbsoluteDir, sameSettings, toDraft, validateDraft, type SettingsDraft } from './settingsForm'

const draft = (over: Partial<SettingsDraft> = {}): SettingsDraft => ({ ...toDraft(makeSettings()), ...over })

describe('settings form', () => {
  it.each([
    ['valid', draft(), {}],
    ['blank rows are ignored', draft({ dataPaths: ['data', '  '], excludes: [''] }), {}],
    ['absolute data path', draft({ dataPaths: ['/srv/data'] }), { dataPaths: 'settings.errAbsolute' }],
    ['leaving the directory', draft({ excludes: ['logs/../../etc'] }), { excludes: 'settings.errOutside' }],
    ['the directory itself', draft({ dataPaths: ['./'] }), { dataPaths: 'settings.errOutside' }],
    ['duplicates after normalising', draft({ dataPaths: ['data', './data/'] }), { dataPaths: 'settings.errDuplicate' }],
    ['version key with a dash', draft({ versionKey: 'APP-VERSION' }), { versionKey: 'settings.errVersionKey' }],
    ['empty version key', draft({ versionKey: ' ' }), { versionKey: 'settings.errVersionKey' }],
    ['negative and fractional counts', draft({ keepLast: '-1', keepDays: '1.5' }), { keepLast: 'settings.errCount', keepDays: 'settings.errCount' }],
  ])('%s', (_name, d, want) => {
    const got = Object.fromEntries(Object.entries(validateDraft(d)).map(([k, v]) => [k, v?.key]))
    expect(got).toEqual(want)
  })

  it('converts a draft back, trimming and dropping blank rows', () => {
    const s = fromDraft(draft({ dataPaths: [' data ', ''], excludes: ['cache'], keepLast: ' 3', keepDays: '14' }), '/b')
    expect(s).toEqual({ dataPaths: ['data'], excludes: ['cache'], versionKey: 'APP_VERSION', storageDir: '/b', retention: { keepLast: 3, keepDays: 14 } })
    expect(sameSettings(s, s)).toBe(true)
    expect(sameSettings(s, { ...s, excludes: [] })).toBe(false)
  })

  it('accepts absolute directories only', () => {
    expect(['/mnt/b', 'C:\\b', 'rel/b', ''].map(isAbsoluteDir)).toEqual([true, true, false, false])
  })
})
