import { render, type RenderOptions } from '@testing-library/react'
import axe from 'axe-core'
import type { ReactElement } from 'react'
import { I18nProvider, type Lang } from '../i18n'

/** renderUI renders inside the i18n provider, English unless told otherwise. */
export function renderUI(ui: ReactElement, lang: Lang = 'en', options?: RenderOptions) {
  return render(<I18nProvider lang={lang}>{ui}</I18nProvider>, options)
}

/** axeViolations runs axe on an element; colour contrast needs real rendering, so it is off. */
export async function axeViolations(el: Element) {
  const results = await axe.run(el, { rules: { 'color-contrast': { enabled: false } } })
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
}
