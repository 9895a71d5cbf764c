CREATE INDEX "entities_key_idx" ON "entities" USING btree ("key");--> statement-breakpoint
CREATE INDEX "entities_key_lower_idx" ON "entities" USING btree (lower("key"));