// Focus helpers for modal dialogs: which elements Tab visits, in document order.

const candidates = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
].join(',')

/**
 * tabbables lists the elements Tab moves through inside root. Like browsers, a radio
 * group is one stop: its checked radio, or its first radio when none is checked.
 */
export function tabbables(root: HTMLElement): HTMLElement[] {
  const all = Array.from(root.querySelectorAll<HTMLElement>(candidates)).filter(
    (el) => !el.closest('[hidden], [inert]') && el.tabIndex >= 0,
  )
  const groupStop = new Map<string, HTMLInputElement>()
  for (const el of all) {
    if (!(el instanceof HTMLInputElement) || el.type !== 'radio' || !el.name) continue
    const stop = groupStop.get(el.name)
    if (!stop || (el.checked && !stop.checked)) groupStop.set(el.name, el)
  }
  return all.filter((el) => {
    if (!(el instanceof HTMLInputElement) || el.type !== 'radio' || !el.name) return true
    return groupStop.get(el.name) === el
  })
}

/** nextTabStop returns where Tab (or Shift+Tab) goes from the current element, wrapping. */
export function nextTabStop(root: HTMLElement, current: Element | null, backwards: boolean): HTMLElement | null {
  const list = tabbables(root)
  if (list.length === 0) return null
  let index = current ? list.indexOf(current as HTMLElement) : -1
  if (index < 0 && current instanceof HTMLInputElement && current.type === 'radio' && current.name) {
    index = list.findIndex((el) => el instanceof HTMLInputElement && el.name === current.name)
  }
  if (index < 0) return backwards ? list[list.length - 1] : list[0]
  const next = (index + (backwards ? -1 : 1) + list.length) % list.length
  return list[next]
}

/**
 * hideOutside marks every sibling branch of keep (up to body) inert and aria-hidden, and
 * returns the function that undoes exactly what it changed.
 */
export function hideOutside(keep: HTMLElement): () => void {
  const changed: { el: Element; ariaHidden: string | null; inert: boolean }[] = []
  let node: HTMLElement | null = keep
  while (node && node !== document.body && node.parentElement) {
    for (const sibling of Array.from(node.parentElement.children)) {
      if (sibling === node || sibling.tagName === 'SCRIPT') continue
      changed.push({
        el: sibling,
        ariaHidden: sibling.getAttribute('aria-hidden'),
        inert: sibling.hasAttribute('inert'),
      })
      sibling.setAttribute('aria-hidden', 'true')
      sibling.setAttribute('inert', '')
    }
    node = node.parentElement
  }
  return () => {
    for (const { el, ariaHidden, inert } of changed) {
      if (ariaHidden === null) el.removeAttribute('aria-hidden')
      else el.setAttribute('aria-hidden', ariaHidden)
      if (!inert) el.removeAttribute('inert')
    }
  }
}
