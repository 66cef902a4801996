import { ApiKeyType, ContainerRegistrationKeys, generateJwtToken, Modules } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"

function secret(container: MedusaContainer): string {
  const config = container.resolve(ContainerRegistrationKeys.CONFIG_MODULE)
  return config.projectConfig.http.jwtSecret as string
}

/** An admin user with a bearer token, made the way `medusa user` makes one. */
export async function adminHeaders(container: MedusaContainer, email = "admin@test.local") {
  const users = container.resolve(Modules.USER)
  const auth = container.resolve(Modules.AUTH)
  const [existing] = await users.listUsers({ email })
  const user = existing ?? (await users.createUsers({ email }))
  const identity = await auth.createAuthIdentities({
    provider_identities: [{ provider: "emailpass", entity_id: `${email}-${Date.now()}-${Math.random()}` }],
    app_metadata: { user_id: user.id },
  })
  const token = generateJwtToken(
    { actor_id: user.id, actor_type: "user", auth_identity_id: identity.id, app_metadata: { user_id: user.id } },
    { secret: secret(container), expiresIn: "1d" }
  )
  return { headers: { authorization: `Bearer ${token}` }, user }
}

/** A registered customer with a bearer token. */
export async function customerHeaders(container: MedusaContainer, email: string) {
  const customers = container.resolve(Modules.CUSTOMER)
  const auth = container.resolve(Modules.AUTH)
  const customer = await customers.createCustomers({ email, has_account: true })
  const identity = await auth.createAuthIdentities({
    provider_identities: [{ provider: "emailpass", entity_id: email }],
    app_metadata: { customer_id: customer.id },
  })
  const token = generateJwtToken(
    { actor_id: customer.id, actor_type: "customer", auth_identity_id: identity.id, app_metadata: { customer_id: customer.id } },
    { secret: secret(container), expiresIn: "1d" }
  )
  return { headers: { authorization: `Bearer ${token}` }, customer }
}

export async function publishableKey(container: MedusaContainer): Promise<string> {
  const apiKeys = container.resolve(Modules.API_KEY)
  const key = await apiKeys.createApiKeys({ title: "test", type: ApiKeyType.PUBLISHABLE, created_by: "test" })
  return key.token
}
