import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { describe, expect, it } from 'vitest'
import { axeViolations, renderUI } from '../test/render'
import { TabPanel, Tabs } from './Tabs'

type Id = 'a' | 'b' | 'c'

function Demo() {
  const [active, setActive] = useState<Id>('a')
  const tabs = [
    { id: 'a' as const, label: 'Alpha' },
    { id: 'b' as const, label: 'Beta' },
    { id: 'c' as const, label: 'Gamma' },
  ]
  return (
    <>
      <button type="button">before</button>
      <Tabs tabs={tabs} active={active} onChange={setActive} label="Views" idPrefix="t" />
      {tabs.map((tab) => (
        <TabPanel key={tab.id} idPrefix="t" id={tab.id} active={tab.id === active}>
          <p>{tab.label} content</p>
        </TabPanel>
      ))}
    </>
  )
}

describe('Tabs', () => {
  it('wires tabs to panels and has one tab stop', async () => {
    const { container } = renderUI(<Demo />)
    const list = screen.getByRole('tablist', { name: 'Views' })
    expect(list).toBeInTheDocument()
    const alpha = screen.getByRole('tab', { name: 'Alpha' })
    expect(alpha).toHaveAttribute('aria-selected', 'true')
    expect(alpha).toHaveAttribute('tabindex', '0')
    expect(screen.getByRole('tab', { name: 'Beta' })).toHaveAttribute('tabindex', '-1')
    expect(screen.getByRole('tabpanel', { name: 'Alpha' })).toHaveTextContent('Alpha content')
    expect(screen.getAllByRole('tabpanel')).toHaveLength(1)
    expect(await axeViolations(container)).toEqual([])
  })

  it('moves and selects with the arrow keys, Home and End, wrapping around', async () => {
    const user = userEvent.setup()
    renderUI(<Demo />)
    await user.click(screen.getByRole('button', { name: 'before' }))
    await user.tab()
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'Alpha' }))
    await user.keyboard('{ArrowRight}')
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'Beta' }))
    expect(screen.getByRole('tab', { name: 'Beta' })).toHaveAttribute('aria-selected', 'true')
    expect(screen.getByRole('tabpanel', { name: 'Beta' })).toHaveTextContent('Beta content')
    await user.keyboard('{ArrowRight}{ArrowRight}')
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'Alpha' }))
    await user.keyboard('{ArrowLeft}')
    expect(screen.getByRole('tab', { name: 'Gamma' })).toHaveAttribute('aria-selected', 'true')
    await user.keyboard('{Home}')
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'Alpha' }))
    await user.keyboard('{End}')
    expect(screen.getByRole('tabpanel', { name: 'Gamma' })).toBeVisible()
    await user.tab()
    expect(document.activeElement).not.toHaveAttribute('role', 'tab')
  })
})
