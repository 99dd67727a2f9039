import { useId, useLayoutEffect, useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react'
import { createPortal } from 'react-dom'
import { hideOutside, nextTabStop, tabbables } from './focus'

export interface DialogProps {
  title: ReactNode
  onCancel: () => void
  closeLabel: string
  children: ReactNode
  footer?: ReactNode
  /** alertdialog: for destructive confirmations; the overlay does not cancel. */
  role?: 'dialog' | 'alertdialog'
  /** Element to focus on open; else the first tabbable element. */
  initialFocus?: RefObject<HTMLElement | null>
  describedBy?: string
  className?: string
}

/**
 * Dialog is a modal with native semantics: role dialog (or alertdialog), aria-modal,
 * labelled by its title; focus moves in on open, Tab cycles inside, Escape and the close
 * button cancel, the rest of the page is inert, and focus returns to the opener on close.
 * Render it only while open, so its children's state resets on every opening.
 */
export function Dialog({
  title,
  onCancel,
  closeLabel,
  children,
  footer,
  role = 'dialog',
  initialFocus,
  describedBy,
  className,
}: DialogProps) {
  const titleId = useId()
  const ref = useRef<HTMLDivElement>(null)
  const cancelRef = useRef(onCancel)
  cancelRef.current = onCancel

  useLayoutEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    const opener = document.activeElement as HTMLElement | null
    const restore = hideOutside(dialog.parentElement ?? dialog)
    // Keep focus inside even if something outside grabs it (e.g. a click on the overlay).
    const onFocusIn = (e: FocusEvent) => {
      if (e.target instanceof Node && !dialog.contains(e.target)) (tabbables(dialog)[0] ?? dialog).focus()
    }
    document.addEventListener('focusin', onFocusIn)
    ;(initialFocus?.current ?? tabbables(dialog)[0] ?? dialog).focus()
    return () => {
      document.removeEventListener('focusin', onFocusIn)
      restore()
      if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus()
    }
    // Focus moves in once, on open; initialFocus is read only then.
  }, [])

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.stopPropagation()
      e.preventDefault()
      cancelRef.current()
      return
    }
    if (e.key === 'Tab' && ref.current) {
      e.preventDefault()
      nextTabStop(ref.current, document.activeElement, e.shiftKey)?.focus()
    }
  }

  return createPortal(
    <div
      className="overlay"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget && role === 'dialog') cancelRef.current()
      }}
    >
      <div
        ref={ref}
        role={role}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={describedBy}
        tabIndex={-1}
        className={`dialog ${className ?? ''}`}
        onKeyDown={onKeyDown}
      >
        <div className="dialog-header">
          <h2 id={titleId} className="dialog-title">
            {title}
          </h2>
          <button type="button" className="icon-button" aria-label={closeLabel} onClick={() => cancelRef.current()}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
        <div className="dialog-body">{children}</div>
        {footer && <div className="dialog-footer">{footer}</div>}
      </div>
    </div>,
    document.body,
  )
}
