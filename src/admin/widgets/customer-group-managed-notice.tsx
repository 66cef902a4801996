import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { DetailWidgetProps, AdminCustomerGroup } from "@medusajs/framework/types"
import { Container, Heading, Text } from "@medusajs/ui"
import { Link } from "react-router-dom"

// A group the plugin manages mirrors a segment's members. Medusa's own page below still shows "Add customers" and
// "Remove": the plugin refuses those calls (409 naming the group and segment, shown as an error toast), and a change
// made past the admin (module call, script) is undone by the next refresh. This notice says so before anyone tries.
const ManagedGroupNotice = ({ data }: DetailWidgetProps<AdminCustomerGroup>) => {
  const metadata = (data.metadata ?? {}) as Record<string, unknown>
  if (metadata.managed_by !== "medusa-personalization") return null
  const segment = String(metadata.segment_handle ?? "")
  return (
    <Container className="divide-y p-0" data-testid="managed-group-notice">
      <div className="px-6 py-4">
        <Heading level="h2">Managed by the segment “{segment}”</Heading>
        <Text size="small" className="text-ui-fg-subtle mt-2">
          The members of this group are exactly the members of the segment “{segment}”: they are added and removed
          automatically as customers enter and leave it.
        </Text>
        <Text size="small" weight="plus" className="mt-2">
          Members cannot be added or removed here by hand — “Add customers” and “Remove” are refused, and a change made
          any other way is reverted at the next segment refresh. To change who is in this group, change the segment’s rule.
        </Text>
        <Text size="small" className="text-ui-fg-subtle mt-2">
          Target this group in promotions and price lists with the rule “Customer group — in”.
        </Text>
        {typeof metadata.segment_id === "string" && (
          <Link to={`/segments/${metadata.segment_id}`} className="txt-compact-small mt-2 inline-block text-ui-fg-interactive hover:underline">
            Open the segment
          </Link>
        )}
      </div>
    </Container>
  )
}

export const config = defineWidgetConfig({ zone: "customer_group.details.before" })

export default ManagedGroupNotice
