export * from "./build-product-similarity"
