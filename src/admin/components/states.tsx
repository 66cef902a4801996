import { Button, Text } from "@medusajs/ui"
import { errorMessage } from "../lib/api"

/** Loading, error and empty states shared by every list in the plugin's pages. */
export function LoadingRows({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="flex items-center justify-center px-6 py-10" role="status" aria-live="polite">
      <Text size="small" className="text-ui-fg-subtle">
        {label}
      </Text>
    </div>
  )
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="flex flex-col items-center gap-y-2 px-6 py-10" role="alert">
      <Text size="small" weight="plus" className="text-ui-fg-error">
        Could not load this list
      </Text>
      <Text size="small" className="text-ui-fg-subtle">
        {errorMessage(error)}
      </Text>
      {onRetry && (
        <Button size="small" variant="secondary" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  )
}

export function EmptyState({ title, description, action }: { title: string; description?: string; action?: React.ReactNode }) {
  return (
    <div className="flex flex-col items-center gap-y-2 px-6 py-10">
      <Text size="small" weight="plus">
        {title}
      </Text>
      {description && (
        <Text size="small" className="text-ui-fg-subtle">
          {description}
        </Text>
      )}
      {action}
    </div>
  )
}
