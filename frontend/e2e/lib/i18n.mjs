// The app's own dictionaries, read from src/i18n/{en,zh}.ts, so the driver finds
// controls by the text a user sees in either language and stays in step with
// the UI's wording.
import { readFileSync } from 'node:fs'

const entry = /'([\w.]+)':\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g

function load(lang) {
  const src = readFileSync(new URL(`../../src/i18n/${lang}.ts`, import.meta.url), 'utf8')
  const dict = {}
  for (const m of src.matchAll(entry)) {
    const raw = m[2] ?? m[3]
    dict[m[1]] = raw.replace(/\\(.)/g, '$1')
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
