import { Badge, Button, Container, Heading, Input, Label, StatusBadge, Table, Text, Textarea, toast, usePrompt } from "@medusajs/ui"
import { useQueryClient } from "@tanstack/react-query"
import { useEffect, useState } from "react"
import { Link, useNavigate, useParams } from "react-router-dom"
import { errorMessage, formatDate, useSegments } from "../../../lib/api"
import { ErrorState, LoadingRows, EmptyState } from "../../../components/states"
import { describeSource, placementApi, placementKeys, usePlacement, type Placement, type PlacementVariant } from "../../../components/placements/api"
import { VariantDrawer } from "../../../components/placements/variant-form"
import { PlacementPreviewCard } from "../../../components/placements/preview-card"

const PlacementPage = () => {
  const { id } = useParams()
  const { data, isLoading, isError, error, refetch } = usePlacement(id)
  if (isLoading) return <LoadingRows label="Loading placement…" />
  if (isError || !data) return <ErrorState error={error} onRetry={() => refetch()} />
  return (
    <div className="flex flex-col gap-y-3">
      <Settings placement={data.placement} />
      <Variants placement={data.placement} />
      <PlacementPreviewCard placement={data.placement} />
    </div>
  )
}

function Settings({ placement }: { placement: Placement }) {
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  const prompt = usePrompt()
  const [handle, setHandle] = useState(placement.handle)
  const [description, setDescription] = useState(placement.description ?? "")
  const [error, setError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  useEffect(() => {
    setHandle(placement.handle)
    setDescription(placement.description ?? "")
  }, [placement.handle, placement.description])
  const dirty = handle !== placement.handle || description !== (placement.description ?? "")

  async function save(e: React.FormEvent) {
    e.preventDefault()
    setSaving(true)
    setError(null)
    try {
      const { placement: saved } = await placementApi.update(placement.id, { handle, description: description.trim() ? description : null })
      queryClient.setQueryData(placementKeys.one(placement.id), { placement: saved })
      queryClient.invalidateQueries({ queryKey: placementKeys.list })
      toast.success("Placement saved")
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setSaving(false)
    }
  }

  async function remove() {
    const confirmed = await prompt({
      title: `Delete placement ${placement.handle}?`,
      description: "The storefront gets a 404 for this handle afterwards. Its variants are deleted with it.",
      confirmText: "Delete",
      cancelText: "Cancel",
    })
    if (!confirmed) return
    try {
      await placementApi.remove(placement.id)
      queryClient.invalidateQueries({ queryKey: placementKeys.list })
      toast.success("Placement deleted")
      navigate("/placements")
    } catch (err) {
      toast.error(errorMessage(err))
    }
  }

  return (
    <Container className="divide-y p-0">
      <div className="flex items-center justify-between px-6 py-4">
        <div>
          <Text size="small" className="text-ui-fg-subtle">
            <Link to="/placements" className="hover:underline">
              Placements
            </Link>{" "}
            /
          </Text>
          <Heading level="h1">{placement.handle}</Heading>
        </div>
        <Button size="small" variant="danger" onClick={remove} type="button">
          Delete placement
        </Button>
      </div>
      <form onSubmit={save} className="grid grid-cols-1 gap-3 px-6 py-4 md:grid-cols-2">
        <div className="flex flex-col gap-y-1">
          <Label htmlFor="placement-handle-edit" size="small">
            Handle
          </Label>
          <Input id="placement-handle-edit" size="small" value={handle} onChange={(e) => setHandle(e.target.value)} />
        </div>
        <div className="flex flex-col gap-y-1">
          <Label htmlFor="placement-description-edit" size="small">
            Description
          </Label>
          <Textarea id="placement-description-edit" rows={1} value={description} onChange={(e) => setDescription(e.target.value)} />
        </div>
        <div className="flex items-center gap-x-3 md:col-span-2">
          <Button size="small" type="submit" variant="secondary" disabled={!dirty} isLoading={saving}>
            Save
          </Button>
          <Text size="xsmall" className="text-ui-fg-subtle">
            Created {formatDate(placement.created_at)} · updated {formatDate(placement.updated_at)}
          </Text>
          {error && (
            <Text size="small" className="text-ui-fg-error" role="alert">
              {error}
            </Text>
          )}
        </div>
      </form>
    </Container>
  )
}

function Variants({ placement }: { placement: Placement }) {
  const queryClient = useQueryClient()
  const prompt = usePrompt()
  const segments = useSegments({ limit: 100, offset: 0 })
  const [editing, setEditing] = useState<PlacementVariant | null>(null)
  const [open, setOpen] = useState(false)
  const segmentName = (id: string | null) => {
    if (id === null) return null
    const s = segments.data?.segments.find((x) => x.id === id)
    return s ? s.name : id
  }
  const refresh = (p: Placement) => {
    queryClient.setQueryData(placementKeys.one(placement.id), { placement: p })
    queryClient.invalidateQueries({ queryKey: placementKeys.list })
  }

  async function remove(v: PlacementVariant) {
    const confirmed = await prompt({
      title: `Delete variant ${v.name}?`,
      description: "Shoppers it targeted fall back to the next variant or the default.",
      confirmText: "Delete",
      cancelText: "Cancel",
    })
    if (!confirmed) return
    try {
      await placementApi.removeVariant(placement.id, v.id)
      queryClient.invalidateQueries({ queryKey: placementKeys.one(placement.id) })
      queryClient.invalidateQueries({ queryKey: placementKeys.list })
      toast.success("Variant deleted")
    } catch (err) {
      toast.error(errorMessage(err))
    }
  }

  return (
    <Container className="divide-y p-0">
      <div className="flex items-center justify-between px-6 py-4">
        <div>
          <Heading level="h2">Variants</Heading>
          <Text size="small" className="text-ui-fg-subtle">
            Highest priority first. A segment variant always beats the default.
          </Text>
        </div>
        <Button
          size="small"
          variant="secondary"
          type="button"
          onClick={() => {
            setEditing(null)
            setOpen(true)
          }}
        >
          Add variant
        </Button>
      </div>
      {placement.variants.length === 0 ? (
        <EmptyState title="No variants" description="Add a default variant (no segment) and one per segment you target." />
      ) : (
        <Table>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>Name</Table.HeaderCell>
              <Table.HeaderCell>Segment</Table.HeaderCell>
              <Table.HeaderCell className="text-right">Priority</Table.HeaderCell>
              <Table.HeaderCell>Status</Table.HeaderCell>
              <Table.HeaderCell>Content</Table.HeaderCell>
              <Table.HeaderCell />
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {placement.variants.map((v) => (
              <Table.Row key={v.id} data-testid="variant-row">
                <Table.Cell>{v.name}</Table.Cell>
                <Table.Cell>
                  {v.segment_id ? (
                    <Link to={`/segments/${v.segment_id}`} className="text-ui-fg-interactive hover:underline">
                      {segmentName(v.segment_id)}
                    </Link>
                  ) : (
                    <Badge size="2xsmall">default</Badge>
                  )}
                </Table.Cell>
                <Table.Cell className="text-right">{v.priority}</Table.Cell>
                <Table.Cell>
                  <StatusBadge color={v.status === "active" ? "green" : "orange"}>{v.status}</StatusBadge>
                </Table.Cell>
                <Table.Cell>
                  <div className="txt-compact-small">{v.content.title ?? ""}</div>
                  <div className="text-ui-fg-muted txt-compact-xsmall">{describeSource(v.content)}</div>
                </Table.Cell>
                <Table.Cell className="text-right">
                  <div className="flex justify-end gap-x-2">
                    <Button
                      size="small"
                      variant="transparent"
                      type="button"
                      onClick={() => {
                        setEditing(v)
                        setOpen(true)
                      }}
                    >
                      Edit
                    </Button>
                    <Button size="small" variant="transparent" type="button" onClick={() => remove(v)}>
                      Delete
                    </Button>
                  </div>
                </Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
      <VariantDrawer
        open={open}
        onOpenChange={setOpen}
        variant={editing}
        onSubmit={async (input) => {
          const res = editing
            ? await placementApi.updateVariant(placement.id, editing.id, input)
            : await placementApi.addVariant(placement.id, input)
          refresh(res.placement)
          toast.success(editing ? "Variant saved" : "Variant added")
        }}
      />
    </Container>
  )
}

export default PlacementPage
