import { defineRouteConfig } from "@medusajs/admin-sdk"
import { GridLayout } from "@medusajs/icons"
import { Badge, Button, Container, Heading, Input, Table, Text } from "@medusajs/ui"
import { useEffect, useState } from "react"
import { Link, useNavigate } from "react-router-dom"
import { formatDate } from "../../lib/api"
import { EmptyState, ErrorState, LoadingRows } from "../../components/states"
import { usePlacements } from "../../components/placements/api"
import { CreatePlacementModal } from "../../components/placements/create-placement"

const PAGE_SIZE = 20

const PlacementsPage = () => {
  const navigate = useNavigate()
  const [search, setSearch] = useState("")
  const [q, setQ] = useState("")
  const [page, setPage] = useState(0)
  const [creating, setCreating] = useState(false)

  useEffect(() => {
    const t = setTimeout(() => {
      setQ(search.trim())
      setPage(0)
    }, 300)
    return () => clearTimeout(t)
  }, [search])

  const { data, isLoading, isError, error, refetch } = usePlacements({ limit: PAGE_SIZE, offset: page * PAGE_SIZE, q: q || undefined })
  const placements = data?.placements ?? []
  const count = data?.count ?? 0

  return (
    <Container className="divide-y p-0">
      <div className="flex flex-wrap items-center justify-between gap-2 px-6 py-4">
        <div>
          <Heading level="h1">Placements</Heading>
          <Text size="small" className="text-ui-fg-subtle">
            Storefront slots (home hero, cross-sell…) with a variant per segment and a default. The storefront asks
            GET /store/personalization/sections?placement=handle.
          </Text>
        </div>
        <Button size="small" onClick={() => setCreating(true)}>
          Create placement
        </Button>
      </div>
      <div className="px-6 py-4">
        <div className="w-full max-w-xs">
          <Input
            type="search"
            size="small"
            placeholder="Search handle"
            aria-label="Search placements"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
      </div>
      {isLoading ? (
        <LoadingRows label="Loading placements…" />
      ) : isError ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : placements.length === 0 ? (
        q ? (
          <EmptyState title="No placements match" description="Try another search." />
        ) : (
          <EmptyState
            title="No placements yet"
            description="Create a placement for each storefront slot you want to personalize."
            action={
              <Button size="small" variant="secondary" onClick={() => setCreating(true)}>
                Create placement
              </Button>
            }
          />
        )
      ) : (
        <>
          <Table>
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell>Handle</Table.HeaderCell>
                <Table.HeaderCell>Variants</Table.HeaderCell>
                <Table.HeaderCell>Default</Table.HeaderCell>
                <Table.HeaderCell>Updated</Table.HeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {placements.map((p) => {
                const active = p.variants.filter((v) => v.status === "active")
                const hasDefault = active.some((v) => v.segment_id === null)
                return (
                  <Table.Row key={p.id} data-testid="placement-row" data-handle={p.handle}>
                    <Table.Cell>
                      <Link to={`/placements/${p.id}`} className="text-ui-fg-interactive hover:underline">
                        {p.handle}
                      </Link>
                      {p.description && <div className="text-ui-fg-muted txt-compact-xsmall">{p.description}</div>}
                    </Table.Cell>
                    <Table.Cell>
                      {active.length} active{p.variants.length > active.length ? `, ${p.variants.length - active.length} draft` : ""}
                    </Table.Cell>
                    <Table.Cell>
                      {hasDefault ? (
                        <Badge size="2xsmall" color="green">
                          yes
                        </Badge>
                      ) : (
                        <Badge size="2xsmall" color="orange">
                          none: non-members see nothing
                        </Badge>
                      )}
                    </Table.Cell>
                    <Table.Cell>{formatDate(p.updated_at)}</Table.Cell>
                  </Table.Row>
                )
              })}
            </Table.Body>
          </Table>
          <Table.Pagination
            count={count}
            pageSize={PAGE_SIZE}
            pageIndex={page}
            pageCount={Math.max(1, Math.ceil(count / PAGE_SIZE))}
            canPreviousPage={page > 0}
            canNextPage={(page + 1) * PAGE_SIZE < count}
            previousPage={() => setPage((p) => Math.max(0, p - 1))}
            nextPage={() => setPage((p) => p + 1)}
          />
        </>
      )}
      <CreatePlacementModal open={creating} onOpenChange={setCreating} onCreated={(id) => navigate(`/placements/${id}`)} />
    </Container>
  )
}

export const config = defineRouteConfig({
  label: "Placements",
  icon: GridLayout,
})

export default PlacementsPage
