import { defineRouteConfig } from "@medusajs/admin-sdk"
import { ChartBar } from "@medusajs/icons"
import { Container, Heading, Tabs, Text } from "@medusajs/ui"
import { useSearchParams } from "react-router-dom"
import { SegmentComparison } from "../../components/analytics/segment-comparison"
import { AlertsCard } from "../../components/analytics/alerts-card"
import { ChurnCard, RfmCard } from "../../components/analytics/rfm-churn"
import { DiscoverCard } from "../../components/analytics/discover-card"
import { ExperimentsSection } from "../../components/analytics/experiments"

const TABS = ["segments", "customers", "experiments"] as const

/** Personalization analytics: segments compared with drift alerts, RFM/churn/discover, experiments. */
const AnalyticsPage = () => {
  const [params, setParams] = useSearchParams()
  const tab = (TABS as readonly string[]).includes(params.get("tab") ?? "") ? params.get("tab")! : "segments"
  return (
    <div className="flex flex-col gap-y-3">
      <Container className="px-6 py-4">
        <Heading level="h1">Personalization analytics</Heading>
        <Text size="small" className="text-ui-fg-subtle">
          All days are UTC; money is in the store's default currency.
        </Text>
      </Container>
      <Tabs value={tab} onValueChange={(v) => setParams({ tab: v }, { replace: true })}>
        <Tabs.List>
          <Tabs.Trigger value="segments">Segments</Tabs.Trigger>
          <Tabs.Trigger value="customers">RFM, churn &amp; discover</Tabs.Trigger>
          <Tabs.Trigger value="experiments">Experiments</Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="segments" className="flex flex-col gap-y-3 pt-3">
          <AlertsCard />
          <SegmentComparison />
        </Tabs.Content>
        <Tabs.Content value="customers" className="flex flex-col gap-y-3 pt-3">
          <RfmCard />
          <ChurnCard />
          <DiscoverCard />
        </Tabs.Content>
        <Tabs.Content value="experiments" className="pt-3">
          <ExperimentsSection />
        </Tabs.Content>
      </Tabs>
    </div>
  )
}

export const config = defineRouteConfig({
  label: "Analytics",
  icon: ChartBar,
})

export default AnalyticsPage
