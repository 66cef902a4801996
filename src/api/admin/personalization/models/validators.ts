import { z } from "@medusajs/framework/zod"

export const AdminAnalyticsMlEmptyQuery = z.object({}).strict()
export const AdminTrainChurn = z.object({}).strict()
