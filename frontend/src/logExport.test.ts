import { afterEach, describe, expect, it, vi } from 'vitest'
import { translate } from './i18n'
import { buildLogText, downloadText, logFileName } from './logExport'
import { makeJob } from './test/fixtures'

const t = (key: Parameters<typeof translate>[1], vars?: Parameters<typeof translate>[2]) => translate('en', key, vars)

describe('log export', () => {
  afterEach(() => vi.restoreAllMocks())

  it('builds the text: header, message, error with detail, then the lines', () => {
    const job = makeJob({
      id: 'upgrade-3',
      kind: 'upgrade',
      title: 'Upgrade of shop to 1.3.0',
      state: 'failed',
      phase: 'health',
      finishedAt: '2025-10-31T02:03:00Z',
      message: 'waiting for web',
      error: { code: 'upgrade_failed', message: 'upgrade to 1.3.0 failed', detail: 'upgrade to 1.3.0 failed\nweb: restarting' },
      log: ['02:00:01 stop: web took 2s', '02:01:00 pull shop:1.3.0'],
    })
    expect(buildLogText(t, job)).toBe(
      [
        'Job: Upgrade of shop to 1.3.0 (upgrade-3)',
        'Kind: upgrade',
        'State: Failed',
        'Phase: Health check',
        'Started: 2025-10-31T02:00:00Z',
        'Finished: 2025-10-31T02:03:00Z',
        'Message: waiting for web',
        'Error: [upgrade_failed] upgrade to 1.3.0 failed',
        'upgrade to 1.3.0 failed',
        'web: restarting',
        '',
        'Log (2 lines):',
        '02:00:01 stop: web took 2s',
        '02:01:00 pull shop:1.3.0',
        '',
      ].join('\n'),
    )
  })

  it('names the file after the job and its start', () => {
    expect(logFileName(makeJob({ id: 'upgrade-3', startedAt: '2025-10-31T02:00:00.123Z' }))).toBe('rewind-upgrade-3-2025-10-31T02-00-00Z.txt')
  })

  it('downloads through a Blob URL and a temporary anchor', async () => {
    let blob: Blob | null = null
    const create = vi.fn((b: Blob) => {
      blob = b
      return 'blob:log'
    })
    URL.createObjectURL = create as typeof URL.createObjectURL
    URL.revokeObjectURL = vi.fn()
    const clicked: { href: string; download: string; attached: boolean }[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download, attached: document.body.contains(this) })
    })
    downloadText('rewind-x.txt', 'hello\n')
    expect(clicked).toEqual([{ href: 'blob:log', download: 'rewind-x.txt', attached: true }])
    expect(await blob!.text()).toBe('hello\n')
    expect(blob!.type).toContain('text/plain')
    expect(document.querySelector('a[download]')).toBeNull()
  })
})
