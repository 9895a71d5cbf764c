"use client";

import { useTranslations } from "next-intl";
import { Avatar, presenceOf } from "~/components/people/presence";
import type { RouterOutputs } from "~/lib/trpc/types";
import styles from "./profile-card.module.css";

type Profile = RouterOutputs["user"]["me"];

/** Who is signed in: on a shared tablet, the first thing to check before writing anything. */
export function ProfileCard({ profile }: { profile: Profile }) {
  const t = useTranslations("me");
  return (
    <section className={styles.card} aria-label={t("profileLabel")} data-testid="my-profile">
      <Avatar name={profile.name} presence={presenceOf({ online: true, status: profile.status })} size="large" />
      <div className={styles.who}>
        <p className={styles.name}>{profile.name}</p>
        <p className={styles.meta}>
          {t(`role.${profile.role}`)}
          <span aria-hidden="true"> · </span>@{profile.username}
        </p>
        {profile.groups.length > 0 ? (
          <ul className={styles.groups} aria-label={t("groupsLabel")}>
            {profile.groups.map((group) => (
              <li key={group.id} className={styles.group}>
                {group.name}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </section>
  );
}

export function ProfileSkeleton({ label }: { label: string }) {
  return (
    <div className={styles.card} role="status" aria-busy="true">
      <span className="sr-only">{label}</span>
      <span className={`${styles.bone} ${styles.boneAvatar}`} aria-hidden="true" />
      <span className={styles.who} aria-hidden="true">
        <span className={`${styles.bone} ${styles.boneLine}`} />
        <span className={`${styles.bone} ${styles.boneShort}`} />
      </span>
    </div>
  );
}
