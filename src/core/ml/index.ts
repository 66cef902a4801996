/** Pure maths for analytics and predictive traits: no Medusa import (see ARCHITECTURE.md). */
export * from "./quintiles"
export * from "./standardize"
export * from "./auc"
export * from "./silhouette"
export * from "./logistic"
export * from "./kmeans"
export * from "./rfm-clusters"
export * from "./churn"
