import { act, render, type RenderOptions } from '@testing-library/react'
import axe from 'axe-core'
import type { ReactElement, ReactNode } from 'react'
import type { MockedFunction } from 'vitest'
import type { Job, listJobs, onJobUpdate } from '../api'
import { I18nProvider, type Lang } from '../i18n'
import { createJobStore } from '../stores/jobs'
import { JobsProvider } from '../stores/JobsProvider'

/** renderUI renders inside the i18n provider, English unless told otherwise. */
export function renderUI(ui: ReactElement, lang: Lang = 'en', options?: RenderOptions) {
  return render(<I18nProvider lang={lang}>{ui}</I18nProvider>, options)
}

/**
 * renderWithJobs renders inside the i18n provider and a JobsProvider whose store knows
 * jobs (see stubJobFeed); rerender keeps both.
 */
export function renderWithJobs(ui: ReactElement, { jobs = [], lang = 'en' }: { jobs?: Job[]; lang?: Lang } = {}) {
  const store = createJobStore()
  store.applyAll(jobs)
  const wrapper = ({ children }: { children: ReactNode }) => (
    <I18nProvider lang={lang}>
      <JobsProvider store={store}>{children}</JobsProvider>
    </I18nProvider>
  )
  return { store, ...render(ui, { wrapper }) }
}

/**
 * stubJobFeed stands in for the Go side's job events in a test that mocks src/api: no
 * job to catch up with, and the returned function sends a snapshot as job:update would.
 */
export function stubJobFeed(m: { listJobs: MockedFunction<typeof listJobs>; onJobUpdate: MockedFunction<typeof onJobUpdate> }) {
  let emit: (job: Job) => void = () => {}
  m.listJobs.mockResolvedValue([])
  m.onJobUpdate.mockImplementation((handler) => {
    emit = handler
    return () => {}
  })
  return (job: Job) => act(() => emit(job))
}

/** axeViolations runs axe on an element; colour contrast needs real rendering, so it is off. */
export async function axeViolations(el: Element) {
  const results = await axe.run(el, { rules: { 'color-contrast': { enabled: false } } })
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
}
