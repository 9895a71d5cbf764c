ALTER TABLE "events" ADD COLUMN "also_user_ids" text[];--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "also_everyone" boolean DEFAULT false NOT NULL;