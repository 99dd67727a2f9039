import { useRef, type KeyboardEvent, type ReactNode } from 'react'

export interface TabItem<K extends string> {
  id: K
  label: string
}

export interface TabsProps<K extends string> {
  tabs: readonly TabItem<K>[]
  active: K
  onChange: (id: K) => void
  /** Accessible name of the tab list. */
  label: string
  /** Prefix of the tab and panel ids; panels use tabPanelId(prefix, id). */
  idPrefix: string
}

export const tabId = (prefix: string, id: string) => `${prefix}-tab-${id}`
export const tabPanelId = (prefix: string, id: string) => `${prefix}-panel-${id}`

/**
 * Tabs is a W3C APG tab list with automatic activation: one tab stop (the selected tab),
 * Left/Right move and wrap, Home/End jump to the ends; moving also selects.
 */
export function Tabs<K extends string>({ tabs, active, onChange, label, idPrefix }: TabsProps<K>) {
  const refs = useRef(new Map<K, HTMLButtonElement>())

  const go = (index: number) => {
    const tab = tabs[(index + tabs.length) % tabs.length]
    onChange(tab.id)
    refs.current.get(tab.id)?.focus()
  }

  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }
    if (!(e.key in moves)) return
    e.preventDefault()
    go(moves[e.key])
  }

  return (
    <div role="tablist" aria-label={label} className="tabs">
      {tabs.map((tab, index) => {
        const selected = tab.id === active
        return (
          <button
            key={tab.id}
            ref={(el) => {
              if (el) refs.current.set(tab.id, el)
              else refs.current.delete(tab.id)
            }}
            type="button"
            role="tab"
            id={tabId(idPrefix, tab.id)}
            aria-selected={selected}
            aria-controls={tabPanelId(idPrefix, tab.id)}
            tabIndex={selected ? 0 : -1}
            className={selected ? 'tab selected' : 'tab'}
            onClick={() => onChange(tab.id)}
            onKeyDown={(e) => onKeyDown(e, index)}
          >
            {tab.label}
          </button>
        )
      })}
    </div>
  )
}

export interface TabPanelProps {
  idPrefix: string
  id: string
  active: boolean
  children: ReactNode
}

/** TabPanel is labelled by its tab; an inactive panel stays mounted but hidden. */
export function TabPanel({ idPrefix, id, active, children }: TabPanelProps) {
  return (
    <div
      role="tabpanel"
      id={tabPanelId(idPrefix, id)}
      aria-labelledby={tabId(idPrefix, id)}
      hidden={!active}
      className="tab-panel"
    >
      {children}
    </div>
  )
}
