import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { en, type MessageKey } from './en'
import { zh } from './zh'

export type Lang = 'en' | 'zh'
export type Vars = Record<string, string | number>
export type Translate = (key: MessageKey, vars?: Vars) => string

const dictionaries: Record<Lang, Partial<Record<MessageKey, string>>> = { en, zh }
const locales: Record<Lang, string> = { en: 'en-US', zh: 'zh-CN' }

/** Each language's name in that language, for the switch (never translated). */
export const languageNames: Record<Lang, string> = { en: 'English', zh: '简体中文' }
export const storageKey = 'rewind.lang'

/** interpolate replaces {name} placeholders; unknown names stay visible. */
export function interpolate(text: string, vars?: Vars): string {
  if (!vars) return text
  return text.replace(/\{(\w+)\}/g, (m, name: string) =>
    Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : m,
  )
}

/** translate looks a key up, preferring key_one when vars.count is 1. */
export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const dict = dictionaries[lang]
  const oneKey = `${key}_one` as MessageKey
  const one = vars?.count === 1 ? dict[oneKey] : undefined
  const text = one ?? dict[key] ?? en[key] ?? key
  return interpolate(text, vars)
}

/** hasKey tells whether a computed key (e.g. an error code) has a translation. */
export function hasKey(key: string): key is MessageKey {
  return key in en
}

export function initialLang(): Lang {
  try {
    const saved = globalThis.localStorage?.getItem(storageKey)
    if (saved === 'en' || saved === 'zh') return saved
  } catch {
    // storage unavailable: fall back to the browser language
  }
  const nav = globalThis.navigator?.language ?? 'en'
  return nav.toLowerCase().startsWith('zh') ? 'zh' : 'en'
}

interface I18n {
  lang: Lang
  locale: string
  t: Translate
  setLang: (lang: Lang) => void
}

const I18nContext = createContext<I18n | null>(null)

export function I18nProvider({ children, lang: fixed }: { children: ReactNode; lang?: Lang }) {
  const [lang, setLangState] = useState<Lang>(() => fixed ?? initialLang())
  const setLang = useCallback((next: Lang) => {
    setLangState(next)
    try {
      globalThis.localStorage?.setItem(storageKey, next)
    } catch {
      // a language that cannot be persisted still applies to this session
    }
  }, [])
  useEffect(() => {
    document.documentElement.lang = locales[lang]
  }, [lang])
  const value = useMemo<I18n>(
    () => ({
      lang,
      locale: locales[lang],
      setLang,
      t: (key, vars) => translate(lang, key, vars),
    }),
    [lang, setLang],
  )
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>
}

/** useI18n gives the t(key, vars) function, the active language and its switch. */
export function useI18n(): I18n {
  const ctx = useContext(I18nContext)
  if (!ctx) throw new Error('useI18n outside I18nProvider')
  return ctx
}
