import { z } from "@medusajs/framework/zod"
import { ExperimentSalt } from "../../../../lib/experiments/salt"

const name = z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters")
const windowDays = z.number().int("must be a whole number of days").min(1, "must be at least 1").max(90, "must be at most 90")
const minSample = z.number().int("must be a whole number").min(10, "must be at least 10").max(10_000_000, "must be at most 10000000")

export const AdminCreateExperiment = z
  .object({
    name,
    target_type: z.enum(["placement_variant", "promotion"], { message: "must be placement_variant or promotion" }),
    target_id: z.string().min(1, "must not be empty").max(100, "must be at most 100 characters"),
    /** % of subjects held out (control). Default: the plugin option holdoutPercent when ≥ 1, else 10. */
    holdout_percent: z.number().int("must be a whole percentage").min(1, "must be at least 1").max(50, "must be at most 50").optional(),
    conversion_window_days: windowDays.default(7),
    /** Subjects each arm needs before a verdict. */
    min_sample: minSample.default(100),
    /**
     * Admin/test only: a fixed salt for the assignment hash, so the split is reproducible (tests pin one). Random
     * when omitted; never returned; refused when another experiment already uses it (lib/experiments/salt.ts).
     */
    salt: ExperimentSalt.optional(),
  })
  .strict()
export type AdminCreateExperimentType = z.infer<typeof AdminCreateExperiment>

export const AdminUpdateExperiment = z
  .object({
    name: name.optional(),
    conversion_window_days: windowDays.optional(),
    min_sample: minSample.optional(),
    holdout_percent: z.any().refine(() => false, "cannot change once started (it would break the split); stop this experiment and start a new one").optional(),
    target_id: z.any().refine(() => false, "cannot change once started; start a new experiment").optional(),
    target_type: z.any().refine(() => false, "cannot change once started; start a new experiment").optional(),
  })
  .strict()
export type AdminUpdateExperimentType = z.infer<typeof AdminUpdateExperiment>

export const AdminListExperiments = z
  .object({
    limit: z.coerce.number().int().min(1, "must be at least 1").max(200, "must be at most 200").default(50),
    offset: z.coerce.number().int().min(0, "must be at least 0").default(0),
    status: z.enum(["running", "stopped"]).optional(),
    target_type: z.enum(["placement_variant", "promotion"]).optional(),
    target_id: z.string().min(1).max(100).optional(),
  })
  .strict()
export type AdminListExperimentsType = z.infer<typeof AdminListExperiments>

export const AdminExperimentEmpty = z.object({}).strict()
