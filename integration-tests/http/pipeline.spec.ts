// The real-time path: native events → traits → segments → managed groups → segment-gated promotions on live carts.
import path from "path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { cancelOrderWorkflow, createCustomersWorkflow } from "@medusajs/medusa/core-flows"
import { seedDemoStore } from "../../src/scripts/demo/seed"
import { adminHeaders } from "../helpers/auth"
import { completeCart, getCart, openCart, placeOrder, registerShopper, waitFor, type Shopper } from "../helpers/storefront"
import type PersonalizationModuleService from "../../src/modules/personalization/service"
import { refreshCustomerProfileWorkflow } from "../../src/workflows/pipeline"
import { processDueProfiles } from "../../src/lib/pipeline/process-due-profiles"

jest.setTimeout(240_000)

const DAY = 86_400_000

medusaIntegrationTestRunner({
  medusaConfigFile: path.join(__dirname, "../.."),
  testSuite: ({ api, getContainer }) => {
    let admin: Record<string, string>
    let publishableKey: string
    let regionId: string
    const personalization = () => getContainer().resolve<PersonalizationModuleService>("personalization")

    beforeAll(async () => {
      const seeded = await seedDemoStore(getContainer(), { customers: 0, products: 4, admin: false, segments: false, log: () => {} })
      publishableKey = seeded.publishableKey
      regionId = seeded.regionId!
      admin = (await adminHeaders(getContainer())).headers
    })

    async function activeSegment(handle: string, rule_text: string) {
      const res = await api.post(
        "/admin/personalization/segments",
        { handle, name: handle, rule_text, status: "active" },
        { headers: admin }
      )
      return res.data.segment as { id: string; customer_group_id: string }
    }

    /** Consent is required by default; fixtures grant it the way the consent route will. */
    async function grantConsent(customerId: string) {
      const profile = await waitFor(
        async () => (await personalization().listCustomerProfiles({ customer_id: customerId }))[0],
        `profile of ${customerId}`
      )
      await personalization().updateCustomerProfiles({
        id: profile.id,
        consent: { personalization: { status: "granted", recorded_at: new Date().toISOString() } },
      })
      return profile.id
    }

    async function openMemberships(segmentId: string, customerId: string) {
      return personalization().listSegmentMemberships({ segment_id: segmentId, customer_id: customerId, exited_at: null })
    }

    async function inGroup(customerId: string, groupId: string) {
      const links = await getContainer()
        .resolve(Modules.CUSTOMER)
        .listCustomerGroupCustomers({ customer_id: customerId, customer_group_id: groupId })
      return links.length > 0
    }

    async function createGatedPromotion(groupId: string) {
      return getContainer()
        .resolve(Modules.PROMOTION)
        .createPromotions({
          code: "REPEAT10",
          type: "standard",
          status: "active",
          is_automatic: true,
          application_method: { type: "percentage", target_type: "order", allocation: "across", value: 10, currency_code: "eur" },
          rules: [{ attribute: "customer.groups.id", operator: "in", values: [groupId] }],
        })
    }

    /** A customer made the way Medusa's own flows make one (so customer.created fires and a profile appears). */
    async function newCustomer(email: string) {
      const { result } = await createCustomersWorkflow(getContainer()).run({ input: { customersData: [{ email }] } })
      return result[0]
    }

    const promoCodes = (cart: any) => (cart.promotions ?? []).map((p: any) => p.code)

    /** Orders straight into the Order module (history fixtures), then the pipeline run the subscriber would do. */
    async function historicOrders(container: MedusaContainer, customerId: string, dates: Date[]) {
      const orders = await container.resolve(Modules.ORDER).createOrders(
        dates.map((at) => ({
          customer_id: customerId,
          region_id: regionId,
          currency_code: "eur",
          email: "history@example.com",
          created_at: at,
          items: [{ title: "Item", quantity: 1, unit_price: 25 }],
        })) as any
      )
      return orders
    }

    it("a shopper's 3rd real order makes them a member: group, event, and a gated automatic promotion on their open and next carts", async () => {
      const container = getContainer()
      const segment = await activeSegment("repeat-buyers", "orders_count >= 3")
      await createGatedPromotion(segment.customer_group_id)
      const entered: any[] = []
      container.resolve(Modules.EVENT_BUS).subscribe("personalization.segment.entered", async (data: any) => {
        entered.push(data?.data ?? data)
      })

      const shopper = await registerShopper(api, publishableKey, "loyal@example.com")
      const other = await registerShopper(api, publishableKey, "casual@example.com")
      await grantConsent(shopper.customerId)
      await grantConsent(other.customerId)

      await placeOrder(api, shopper)
      await placeOrder(api, shopper)
      const openBefore = await openCart(api, shopper)
      expect(promoCodes(await getCart(api, shopper, openBefore))).toEqual([])
      expect(await openMemberships(segment.id, shopper.customerId)).toHaveLength(0)

      await placeOrder(api, shopper)
      // the workflow writes the membership, then the group link: wait for the whole run
      await waitFor(
        async () =>
          (await openMemberships(segment.id, shopper.customerId)).length === 1 &&
          (await inGroup(shopper.customerId, segment.customer_group_id)),
        "membership and group link"
      )
      const [profile] = await personalization().listCustomerProfiles({ customer_id: shopper.customerId })
      expect(profile.orders_count).toBe(3)
      await waitFor(async () => entered.some((e) => e.customer_id === shopper.customerId && e.segment_id === segment.id), "entered event")
      expect(entered.find((e) => e.customer_id === shopper.customerId).reason).toContain("orders_count >= 3")

      // the already-open cart was re-priced without the storefront doing anything
      await waitFor(async () => promoCodes(await getCart(api, shopper, openBefore)).includes("REPEAT10"), "promotion on the open cart")
      // the next cart gets it at creation
      const next = await openCart(api, shopper)
      expect(promoCodes(await getCart(api, shopper, next))).toContain("REPEAT10")
      // a non-member gets none
      const theirs = await openCart(api, other)
      expect(promoCodes(await getCart(api, other, theirs))).toEqual([])
      expect(await inGroup(other.customerId, segment.customer_group_id)).toBe(false)
    })

    it("leaves 'ordered in the last 30 days' at the exact moment the last order turns 30 days old", async () => {
      const container = getContainer()
      const segment = await activeSegment("recent-buyers", "last_order_at > -30d")
      const customer = await newCustomer("recent@example.com")
      const profileId = await grantConsent(customer.id)
      const now = new Date()
      const placedAt = new Date(now.getTime() - 10 * DAY)
      await historicOrders(container, customer.id, [placedAt])
      await refreshCustomerProfileWorkflow(container).run({ input: { customer_id: customer.id, now } })

      expect(await openMemberships(segment.id, customer.id)).toHaveLength(1)
      expect(await inGroup(customer.id, segment.customer_group_id)).toBe(true)
      const exitAt = new Date(placedAt.getTime() + 30 * DAY)
      const [profile] = await personalization().listCustomerProfiles({ id: profileId })
      expect(new Date(profile.next_change_at as any).getTime()).toBe(exitAt.getTime())

      // one minute before: not due, nothing changes
      expect(await processDueProfiles(container, new Date(exitAt.getTime() - 60_000))).toEqual({ due: 0, refreshed: 0 })
      expect(await openMemberships(segment.id, customer.id)).toHaveLength(1)
      // the minute job right after the moment: exited, group link removed
      expect(await processDueProfiles(container, new Date(exitAt.getTime() + 1))).toEqual({ due: 1, refreshed: 1 })
      expect(await openMemberships(segment.id, customer.id)).toHaveLength(0)
      expect(await inGroup(customer.id, segment.customer_group_id)).toBe(false)
      const [closed] = await personalization().listSegmentMemberships({ segment_id: segment.id, customer_id: customer.id })
      expect(new Date(closed.exited_at as any).getTime()).toBe(exitAt.getTime() + 1)
    })

    it("days_since_last_order < 30: the trace shows the day count, and the member leaves the moment 30 days pass", async () => {
      const container = getContainer()
      const segment = await activeSegment("ordered-within-30-days", "days_since_last_order < 30")
      const customer = await newCustomer("daycount@example.com")
      const profileId = await grantConsent(customer.id)
      const now = new Date()
      const placedAt = new Date(now.getTime() - 10 * DAY - 3_600_000)
      await historicOrders(container, customer.id, [placedAt])
      await refreshCustomerProfileWorkflow(container).run({ input: { customer_id: customer.id, now } })

      const [entered] = await openMemberships(segment.id, customer.id)
      expect(entered.reason).toBe("days_since_last_order < 30 (was 10)")
      expect(await inGroup(customer.id, segment.customer_group_id)).toBe(true)
      // the explain route's trace carries the customer's day count as the value
      const explain = (await api.get(`/admin/personalization/segments/${segment.id}/explain/${customer.id}`, { headers: admin })).data.explanation
      expect(explain.trace).toMatchObject({ type: "trait", trait: "days_since_last_order", op: "<", actual: 10, expected: 30, pass: true })
      expect(explain.in_sync).toBe(true)

      // the count reaches 30 exactly 30 days after the order: that is the stored next change
      const exitAt = new Date(placedAt.getTime() + 30 * DAY)
      const [profile] = await personalization().listCustomerProfiles({ id: profileId })
      expect(new Date(profile.next_change_at as any).getTime()).toBe(exitAt.getTime())

      // 1 ms before: not due (29 days, 23:59:59.999), still a member
      expect(await processDueProfiles(container, new Date(exitAt.getTime() - 1))).toEqual({ due: 0, refreshed: 0 })
      expect(await openMemberships(segment.id, customer.id)).toHaveLength(1)
      // the minute job at the moment itself: exited, group link removed, the reason shows the count
      expect(await processDueProfiles(container, exitAt)).toEqual({ due: 1, refreshed: 1 })
      expect(await openMemberships(segment.id, customer.id)).toHaveLength(0)
      expect(await inGroup(customer.id, segment.customer_group_id)).toBe(false)
      const [closed] = await personalization().listSegmentMemberships({ segment_id: segment.id, customer_id: customer.id })
      expect(new Date(closed.exited_at as any).getTime()).toBe(exitAt.getTime())
      expect(closed.exit_reason).toBe("not days_since_last_order < 30 (was 30)")
      // nothing further can change without a new order
      const [after] = await personalization().listCustomerProfiles({ id: profileId })
      expect(after.next_change_at).toBeNull()
    })

    it("order.canceled recomputes traits and removes membership; replays change nothing; concurrent runs lose no update", async () => {
      const container = getContainer()
      const segment = await activeSegment("three-orders", "orders_count >= 3")
      const customer = await newCustomer("cancel@example.com")
      await grantConsent(customer.id)
      const orders = await historicOrders(container, customer.id, [1, 2, 3].map((d) => new Date(Date.now() - d * DAY)))

      // two refreshes for one customer at once: both see all three orders, one open membership results
      await Promise.all([
        refreshCustomerProfileWorkflow(container).run({ input: { customer_id: customer.id } }),
        refreshCustomerProfileWorkflow(container).run({ input: { customer_id: customer.id } }),
      ])
      expect(await openMemberships(segment.id, customer.id)).toHaveLength(1)
      const [profile] = await personalization().listCustomerProfiles({ customer_id: customer.id })
      expect(profile.orders_count).toBe(3)
      expect(Number((profile as any).raw_total_spent?.value ?? profile.total_spent)).toBe(75)
      expect((await personalization().listSegments({ id: segment.id }))[0].member_count).toBe(1)

      // duplicate delivery of the same event: same state, no extra rows
      const rowsBefore = await personalization().listSegmentMemberships({ customer_id: customer.id })
      await refreshCustomerProfileWorkflow(container).run({ input: { customer_id: customer.id } })
      expect(await personalization().listSegmentMemberships({ customer_id: customer.id })).toHaveLength(rowsBefore.length)

      await cancelOrderWorkflow(container).run({ input: { order_id: orders[0].id } })
      await waitFor(
        async () =>
          (await openMemberships(segment.id, customer.id)).length === 0 && !(await inGroup(customer.id, segment.customer_group_id)),
        "exit and group unlink after cancel"
      )
      const [after] = await personalization().listCustomerProfiles({ customer_id: customer.id })
      expect(after.orders_count).toBe(2)
      expect(await inGroup(customer.id, segment.customer_group_id)).toBe(false)
      const [seg] = await personalization().listSegments({ id: segment.id })
      expect(seg.member_count).toBe(0)
    })

    it("customer.updated re-reads the account only: the email moves the membership, order traits and the order's country stay", async () => {
      const container = getContainer()
      const segment = await activeSegment("acme-staff", "email_domain = 'acme.test'")
      const customer = await newCustomer("pat@other.test")
      const profileId = await grantConsent(customer.id)
      await container.resolve(Modules.CUSTOMER).createCustomerAddresses([
        { customer_id: customer.id, country_code: "de", address_1: "Hauptstr. 1", is_default_shipping: true },
      ])
      await container.resolve(Modules.ORDER).createOrders([
        {
          customer_id: customer.id,
          region_id: regionId,
          currency_code: "eur",
          email: "pat@other.test",
          created_at: new Date(Date.now() - 2 * DAY),
          shipping_address: { country_code: "nl", address_1: "Dam 1" },
          items: [{ title: "Item", quantity: 1, unit_price: 25 }],
        },
      ] as any)
      await refreshCustomerProfileWorkflow(container).run({ input: { customer_id: customer.id } })
      const [full] = await personalization().listCustomerProfiles({ id: profileId })
      expect(full.orders_count).toBe(1)
      expect(full.country).toBe("NL") // the latest order's shipping country wins over the default address
      expect((full.traits as any).order_country).toBe("NL")

      // the admin changes the e-mail: updateCustomersWorkflow → customer.updated → account-only refresh
      const update = (email: string) => api.post(`/admin/customers/${customer.id}`, { email }, { headers: admin })
      await update("pat@acme.test")
      await waitFor(
        async () =>
          (await openMemberships(segment.id, customer.id)).length === 1 && (await inGroup(customer.id, segment.customer_group_id)),
        "membership and group link after the e-mail change"
      )
      const [after] = await personalization().listCustomerProfiles({ id: profileId })
      expect(after.email_domain).toBe("acme.test")
      expect(after.orders_count).toBe(1)
      expect(after.country).toBe("NL")
      expect((after.traits as any).order_country).toBe("NL")

      // a profile stored before the order's country was kept (no order_country key) gets a full refresh instead
      const { order_country: _dropped, ...older } = after.traits as Record<string, unknown>
      await personalization().updateCustomerProfiles({ id: profileId, traits: older, country: null })
      await update("pat@other.test")
      await waitFor(
        async () =>
          (await openMemberships(segment.id, customer.id)).length === 0 && !(await inGroup(customer.id, segment.customer_group_id)),
        "exit and group unlink after the e-mail change back"
      )
      const [back] = await personalization().listCustomerProfiles({ id: profileId })
      expect(back.email_domain).toBe("other.test")
      expect(back.country).toBe("NL")
      expect((back.traits as any).order_country).toBe("NL")
    })

    it("a failure inside the pipeline leaves checkout working and memberships consistent with groups", async () => {
      const container = getContainer()
      const segment = await activeSegment("any-buyer", "orders_count >= 1")
      // break the group write: the managed group disappears behind the segment's back
      await container.resolve(Modules.CUSTOMER).deleteCustomerGroups([segment.customer_group_id])
      const shopper: Shopper = await registerShopper(api, publishableKey, "unlucky@example.com")
      await grantConsent(shopper.customerId)
      const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
      const errors: string[] = []
      const spy = jest.spyOn(logger, "error").mockImplementation((msg: any) => {
        errors.push(String(msg))
        return undefined as any
      })
      try {
        const cartId = await openCart(api, shopper)
        const order = await completeCart(api, shopper, cartId)
        expect(order.id).toMatch(/^order_/)
        await waitFor(async () => errors.some((e) => e.includes(shopper.customerId)), "the pipeline error to be logged")
      } finally {
        spy.mockRestore()
      }
      // compensation: no membership row claims a group link that does not exist
      expect(await openMemberships(segment.id, shopper.customerId)).toHaveLength(0)
      const [seg] = await personalization().listSegments({ id: segment.id })
      expect(seg.member_count).toBe(0)
    })
    // The completion guard (both sides) is tested in checkout-safety.spec.ts › "checkout guard".
  },
})
