export * from "./types"
export * from "./order-facts"
export * from "./cart-facts"
export * from "./reconcile"
