import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { en } from './en'
import { zh } from './zh'
import { I18nProvider, initialLang, interpolate, storageKey, translate, useI18n } from '.'

function Probe() {
  const { t, lang, setLang } = useI18n()
  return (
    <div>
      <p>{t('restore.title')}</p>
      <p>{lang}</p>
      <button onClick={() => setLang(lang === 'en' ? 'zh' : 'en')}>switch</button>
    </div>
  )
}

describe('i18n', () => {
  it('has a non-empty Chinese text for every English key that needs one', () => {
    const missing = Object.keys(en).filter((k) => !k.endsWith('_one') && !(zh as Record<string, string>)[k])
    expect(missing).toEqual([])
  })

  it('uses the same placeholders in both languages', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
    const mismatched = Object.entries(zh).filter(([k, v]) => names(v).join() !== names(en[k as keyof typeof en]).join())
    expect(mismatched).toEqual([])
  })

  it('interpolates and picks the singular form', () => {
    expect(interpolate('{a} of {b} {c}', { a: 1, b: 'two' })).toBe('1 of two {c}')
    expect(translate('en', 'restore.found', { count: 1 })).toBe('Found 1 restorable backup. Choose the one to restore:')
    expect(translate('en', 'restore.found', { count: 3 })).toBe('Found 3 restorable backups. Choose the one to restore:')
    expect(translate('zh', 'restore.found', { count: 1 })).toBe('找到 1 个可恢复的备份，请选择要恢复的版本：')
  })

  it('switches language and persists the choice', async () => {
    render(
      <I18nProvider lang="en">
        <Probe />
      </I18nProvider>,
    )
    expect(screen.getByText('Select the backup to restore')).toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: 'switch' }))
    expect(screen.getByText('选择要恢复的备份')).toBeInTheDocument()
    expect(localStorage.getItem(storageKey)).toBe('zh')
    expect(document.documentElement.lang).toBe('zh-CN')
    expect(initialLang()).toBe('zh')
  })
})
