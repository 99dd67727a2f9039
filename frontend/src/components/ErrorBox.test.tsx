import { screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { renderUI } from '../test/render'
import { ErrorBox } from './ErrorBox'

// The Go side's messages never name a command; the window adds what the admin can do,
// by the error's code, as a place in the window.
describe('ErrorBox', () => {
  it('adds the screen that helps, chosen by the code, in both languages', () => {
    const error = { code: 'no_space', message: 'not enough free space in /srv/backups', detail: '' }
    const { unmount } = renderUI(<ErrorBox title="Backup failed" error={error} />)
    expect(screen.getByText('not enough free space in /srv/backups')).toBeInTheDocument()
    expect(screen.getByText(/Settings → Storage directory → Move/)).toBeInTheDocument()
    unmount()
    renderUI(<ErrorBox title="备份失败" error={error} />, 'zh')
    expect(screen.getByText(/设置 → 存储目录 → 移动/)).toBeInTheDocument()
  })

  it('adds nothing for a code without a hint, and never a command', () => {
    renderUI(<ErrorBox title="Failed" error={{ code: 'archive_corrupt', message: 'the archive is corrupt', detail: '' }} />)
    expect(screen.queryByText(/rewind /)).toBeNull()
    expect(document.querySelector('.error-hint')).toBeNull()
  })
})
