export * from "./order-traits"
export * from "./cart-traits"
export * from "./decimal-division"
