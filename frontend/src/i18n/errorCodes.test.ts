// @vitest-environment node
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { en } from './en'

// The Go side's one error table (backend/view) names every code the UI can receive.
// Each needs a translation, so Chinese users never see a bare code.
// Tests run from the frontend directory (npm test).
const table = resolve(process.cwd(), '../backend/view/errors.go')

describe('error codes', () => {
  it.skipIf(!existsSync(table))('has a translation for every code of the Go error table', () => {
    const codes = [...readFileSync(table, 'utf8').matchAll(/\{[\w.]+,\s*"([a-z_]+)"\}/g)].map((m) => m[1])
    expect(codes.length).toBeGreaterThan(10)
    const missing = codes.filter((c) => !(`errorCode.${c}` in en))
    expect(missing).toEqual([])
  })
})
