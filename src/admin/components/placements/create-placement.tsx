import { Button, FocusModal, Heading, Input, Label, Text, Textarea, toast } from "@medusajs/ui"
import { useQueryClient } from "@tanstack/react-query"
import { useEffect, useState } from "react"
import { errorMessage } from "../../lib/api"
import { placementApi, placementKeys } from "./api"
import { useReturnFocus } from "../../lib/focus"

/** Create a placement (handle + description). Esc closes; Enter in the handle field submits; 400s shown inline. */
export function CreatePlacementModal({
  open,
  onOpenChange,
  onCreated,
}: {
  open: boolean
  onOpenChange: (o: boolean) => void
  onCreated: (id: string) => void
}) {
  const returnFocus = useReturnFocus(open)
  const queryClient = useQueryClient()
  const [handle, setHandle] = useState("")
  const [description, setDescription] = useState("")
  const [error, setError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)

  useEffect(() => {
    if (open) {
      setHandle("")
      setDescription("")
      setError(null)
    }
  }, [open])

  async function submit(e: React.FormEvent) {
    e.preventDefault()
    setSaving(true)
    setError(null)
    try {
      const { placement } = await placementApi.create({ handle, description: description.trim() ? description : undefined })
      queryClient.invalidateQueries({ queryKey: placementKeys.list })
      toast.success(`Placement ${placement.handle} created`)
      onOpenChange(false)
      onCreated(placement.id)
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setSaving(false)
    }
  }

  return (
    <FocusModal open={open} onOpenChange={onOpenChange}>
      <FocusModal.Content {...returnFocus}>
        <form onSubmit={submit} className="flex h-full flex-col overflow-hidden">
          <FocusModal.Header>
            <Button size="small" type="submit" isLoading={saving}>
              Create
            </Button>
          </FocusModal.Header>
          <FocusModal.Body className="flex flex-col items-center overflow-y-auto py-16">
            <div className="flex w-full max-w-lg flex-col gap-y-4">
              <FocusModal.Title asChild>
                <Heading level="h1">Create placement</Heading>
              </FocusModal.Title>
              <Text size="small" className="text-ui-fg-subtle">
                Add variants (per segment, and a default) once it exists.
              </Text>
              <div className="flex flex-col gap-y-1">
                <Label htmlFor="placement-handle" size="small">
                  Handle
                </Label>
                <Input
                  id="placement-handle"
                  size="small"
                  placeholder="home.hero"
                  value={handle}
                  onChange={(e) => setHandle(e.target.value)}
                  autoFocus
                />
                <Text size="xsmall" className="text-ui-fg-subtle">
                  Lower-case words joined by '.', '-' or '_'. The storefront asks for it by this handle.
                </Text>
              </div>
              <div className="flex flex-col gap-y-1">
                <Label htmlFor="placement-description" size="small">
                  Description (optional)
                </Label>
                <Textarea id="placement-description" value={description} onChange={(e) => setDescription(e.target.value)} />
              </div>
              {error && (
                <Text size="small" className="text-ui-fg-error" role="alert">
                  {error}
                </Text>
              )}
            </div>
          </FocusModal.Body>
        </form>
      </FocusModal.Content>
    </FocusModal>
  )
}
