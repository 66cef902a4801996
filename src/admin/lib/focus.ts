import { useRef } from "react"

/**
 * Focus return for a drawer or modal opened WITHOUT a Radix trigger (controlled `open`): Radix returns focus to its
 * own Trigger on close, and to nothing (the page body) when there is none. This remembers the element that had focus
 * when `open` turned true (the button that opened it, by mouse or keyboard) and puts focus back there on close.
 * Spread the result on `Drawer.Content` / `FocusModal.Content`.
 */
export function useReturnFocus(open: boolean) {
  const opener = useRef<HTMLElement | null>(null)
  const wasOpen = useRef(open)
  // Read during the render that opens it: focus has not moved into the dialog yet.
  if (open && !wasOpen.current && typeof document !== "undefined") {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null
  }
  wasOpen.current = open
  return {
    onCloseAutoFocus: (e: Event) => {
      const el = opener.current
      opener.current = null
      if (el && el.isConnected && el !== document.body) {
        e.preventDefault()
        el.focus()
      }
    },
  }
}
