// The app's own dictionaries, read from src/i18n/{en,zh}*.ts, so the driver finds
// controls by the text a user sees in either language and stays in step with
// the UI's wording.
import { readdirSync, readFileSync } from 'node:fs'

const entry = /'([\w.]+)':\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g

// Each language may be split over several files: en.ts, en-views.ts, …
function load(lang) {
  const dir = new URL('../../src/i18n/', import.meta.url)
  const files = readdirSync(dir).filter((f) => new RegExp(`^${lang}(-[\\w-]+)?\\.ts$`).test(f))
  const dict = {}
  for (const f of files) {
    for (const m of readFileSync(new URL(f, dir), 'utf8').matchAll(entry)) {
      dict[m[1]] = (m[2] ?? m[3]).replace(/\\(.)/g, '$1')
    }
  }
  return dict
}

const dicts = { en: load('en'), zh: load('zh') }

/** t mirrors the app's translate: key_one when count is 1, English fallback, {name} placeholders. */
export function t(lang, key, vars) {
  const d = dicts[lang]
  const text = (vars?.count === 1 ? d[`${key}_one`] : undefined) ?? d[key] ?? dicts.en[key]
  if (text === undefined) throw new Error(`no dictionary entry ${key}`)
  if (!vars) return text
  return text.replace(/\{(\w+)\}/g, (all, name) => (name in vars ? String(vars[name]) : all))
}

/** has tells whether the English dictionary defines key (views added later may not exist yet). */
export const has = (key) => key in dicts.en

/** keys lists the English keys that start with prefix. */
export const keys = (prefix) => Object.keys(dicts.en).filter((k) => k.startsWith(prefix))
