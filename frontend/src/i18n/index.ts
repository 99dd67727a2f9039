export { I18nProvider, useI18n, translate, interpolate, hasKey, initialLang, languageNames, storageKey } from './context'
export type { Lang, Translate, Vars } from './context'
export type { MessageKey } from './en'
