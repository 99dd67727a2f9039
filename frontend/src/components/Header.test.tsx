import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { makeStatus, makeUpgrade } from '../test/fixtures'
import { axeViolations, renderUI } from '../test/render'
import { Header } from './Header'

describe('Header', () => {
  it('shows the deployment, version, Docker and each service', async () => {
    const status = makeStatus({
      services: [
        { service: 'web', name: 'shop_web_1', state: 'running', health: 'healthy', running: true },
        { service: 'worker', name: 'shop_worker_1', state: 'exited', health: '', running: false },
      ],
    })
    const { container } = renderUI(<Header status={status} error={null} onRetry={() => {}} />)
    const banner = screen.getByRole('banner')
    expect(banner).toHaveTextContent('shop')
    expect(banner).toHaveTextContent('/srv/shop')
    expect(banner).toHaveTextContent('Running version1.2.0')
    expect(banner).toHaveTextContent('Reachable')
    const services = within(banner).getByRole('list', { name: 'Services' })
    expect(within(services).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'webrunning, healthy',
      'workerexited',
    ])
    expect(await axeViolations(container)).toEqual([])
  })

  it('names Docker states and health in the UI language, and an unknown one as Docker says it', () => {
    const status = makeStatus({
      services: [
        { service: 'web', name: 'shop_web_1', state: 'running', health: 'unhealthy', running: true },
        { service: 'worker', name: 'shop_worker_1', state: 'exited', health: '', running: false },
        { service: 'odd', name: 'shop_odd_1', state: 'frozen', health: '', running: false },
      ],
    })
    renderUI(<Header status={status} error={null} onRetry={() => {}} />, 'zh')
    const services = within(screen.getByRole('banner')).getByRole('list', { name: '服务' })
    expect(within(services).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'web运行中，不健康',
      'worker已退出',
      'oddfrozen',
    ])
  })

  it('reports what start-up recovery did', () => {
    renderUI(<Header status={makeStatus({ recovery: ['removed 1 partial backup file'] })} error={null} onRetry={() => {}} />)
    const notice = screen.getByRole('status')
    expect(notice).toHaveTextContent('At start-up, Rewind finished or undid interrupted work:')
    expect(notice).toHaveTextContent('removed 1 partial backup file')
  })

  it('says when Docker is unreachable and when there is no deployment', () => {
    renderUI(
      <Header
        status={makeStatus({ deployment: null, docker: { reachable: false, error: 'dial unix: no such file' }, services: [] })}
        error={null}
        onRetry={() => {}}
      />,
    )
    expect(screen.getByText('Unreachable')).toHaveAttribute('title', 'dial unix: no such file')
    expect(screen.getByText(/No deployment configured yet/)).toBeInTheDocument()
    expect(screen.getByText('No containers found')).toBeInTheDocument()
  })

  it('shows a status error with Retry and switches the language', async () => {
    const onRetry = vi.fn()
    const user = userEvent.setup()
    renderUI(<Header status={null} error={{ code: 'internal', message: 'boom', detail: '' }} onRetry={onRetry} />)
    await user.click(screen.getByRole('button', { name: 'Retry' }))
    expect(onRetry).toHaveBeenCalled()
    await user.selectOptions(screen.getByRole('combobox', { name: 'Language' }), 'zh')
    expect(screen.getByRole('combobox', { name: '语言' })).toHaveValue('zh')
    expect(screen.getByRole('alert')).toHaveTextContent('无法读取部署状态')
    expect(screen.getByRole('alert')).toHaveTextContent('出现了问题。')
  })

  it('shows the last upgrade and its outcome', () => {
    renderUI(
      <Header
        status={makeStatus({ lastUpgrade: makeUpgrade({ status: 'rollback_failed', rollbackHealthy: false }) })}
        error={null}
        onRetry={() => {}}
      />,
    )
    const banner = screen.getByRole('banner')
    expect(banner).toHaveTextContent('Last upgrade#7 1.2.0 → 1.3.0Rollback failed')
    expect(within(banner).getByText('Rollback failed')).toHaveClass('badge-bad')
  })
})
