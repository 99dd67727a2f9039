import { useId, useRef } from 'react'
import { useI18n } from '../i18n'

export interface EditableListProps {
  legend: string
  items: readonly string[]
  onChange: (items: string[]) => void
  /** Accessible name of row i (1-based), e.g. "Data path 2". */
  itemLabel: (n: number) => string
  addLabel: string
  placeholder?: string
  hint?: string
  error?: string
  disabled?: boolean
}

/** EditableList edits a list of strings: one text field per row, Remove per row, Add. */
export function EditableList({ legend, items, onChange, itemLabel, addLabel, placeholder, hint, error, disabled }: EditableListProps) {
  const { t } = useI18n()
  const id = useId()
  const listRef = useRef<HTMLUListElement>(null)
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined

  const add = () => {
    onChange([...items, ''])
    // Focus the new row once it is rendered.
    requestAnimationFrame(() => listRef.current?.querySelector<HTMLInputElement>('li:last-child input')?.focus())
  }

  return (
    <fieldset className="editable-list" disabled={disabled}>
      <legend>{legend}</legend>
      {hint && (
        <p id={`${id}-hint`} className="muted field-hint">
          {hint}
        </p>
      )}
      {items.length === 0 ? (
        <p className="muted">{t('settings.listEmpty')}</p>
      ) : (
        <ul ref={listRef} className="list-rows">
          {items.map((item, i) => (
            <li key={i}>
              <input
                value={item}
                aria-label={itemLabel(i + 1)}
                aria-invalid={error ? true : undefined}
                aria-describedby={describedBy}
                placeholder={placeholder}
                spellCheck={false}
                onChange={(e) => onChange(items.map((v, j) => (j === i ? e.target.value : v)))}
              />
              <button
                type="button"
                className="small-button danger"
                aria-label={t('settings.removeItem', { item: itemLabel(i + 1) })}
                onClick={() => onChange(items.filter((_, j) => j !== i))}
              >
                {t('settings.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
      <button type="button" className="small-button" onClick={add}>
        {addLabel}
      </button>
    </fieldset>
  )
}
