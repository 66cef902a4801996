import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { DetailWidgetProps, AdminCustomerGroup } from "@medusajs/framework/types"
import { Container, Heading, Text } from "@medusajs/ui"
import { Link } from "react-router-dom"

// A group the plugin manages mirrors a segment's members: editing its members by hand would be undone.
const ManagedGroupNotice = ({ data }: DetailWidgetProps<AdminCustomerGroup>) => {
  const metadata = (data.metadata ?? {}) as Record<string, unknown>
  if (metadata.managed_by !== "medusa-personalization") return null
  return (
    <Container className="divide-y p-0">
      <div className="px-6 py-4">
        <Heading level="h2">Managed by a segment</Heading>
        <Text size="small" className="text-ui-fg-subtle mt-2">
          This group mirrors the members of the segment “{String(metadata.segment_handle ?? "")}”. Members are added and
          removed automatically; changes made here by hand will be undone at the next evaluation. Target this group in
          promotions and price lists with the rule “Customer group — in”.
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
