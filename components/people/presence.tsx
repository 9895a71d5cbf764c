import styles from "./presence.module.css";

/** What a person's dot shows: their status while they are online, else offline (PRODUCT.md P2). */
export type Presence = "online" | "busy" | "away" | "unavailable" | "offline" | "invisible";

type Status = "available" | "busy" | "away" | "invisible" | "unavailable";

/**
 * The server already shows invisible people to others as offline and available; only the
 * invisible person sees "invisible", about themselves.
 */
export function presenceOf(person: { online: boolean; status: Status }): Presence {
  if (person.status === "invisible") return "invisible";
  if (!person.online) return "offline";
  return person.status === "available" ? "online" : person.status;
}

/** The status as a shape as well as a colour, so it reads without colour vision; the label beside it carries the meaning. */
export function StatusMark({ presence, className }: { presence: Presence; className?: string }) {
  return (
    <svg
      className={`${styles.mark} ${styles[presence]} ${className ?? ""}`}
      viewBox="0 0 16 16"
      width="16"
      height="16"
      aria-hidden="true"
      focusable="false"
      data-presence={presence}
    >
      {presence === "offline" ? (
        <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" strokeWidth="2.4" />
      ) : presence === "invisible" ? (
        <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" strokeWidth="2.4" strokeDasharray="3 2.3" />
      ) : (
        <>
          <circle cx="8" cy="8" r="7.5" fill="currentColor" />
          {presence === "busy" ? <rect x="3.5" y="6.8" width="9" height="2.4" rx="1" className={styles.cut} /> : null}
          {presence === "away" ? (
            <path d="M8 3.8V8l2.8 1.8" fill="none" strokeWidth="1.9" strokeLinecap="round" className={styles.cutStroke} />
          ) : null}
          {presence === "unavailable" ? (
            <path d="M5.2 5.2l5.6 5.6M10.8 5.2l-5.6 5.6" fill="none" strokeWidth="1.9" strokeLinecap="round" className={styles.cutStroke} />
          ) : null}
        </>
      )}
    </svg>
  );
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : [words[0]];
  return letters
    .map((word) => (word ? Array.from(word)[0] : ""))
    .join("")
    .toLocaleUpperCase();
}

/** Initials with the status mark in the corner; decorative, the name and status are written out beside it. */
export function Avatar({ name, presence, size = "medium" }: { name: string; presence?: Presence; size?: "medium" | "large" }) {
  return (
    <span className={`${styles.avatar} ${size === "large" ? styles.large : ""}`} aria-hidden="true">
      {initials(name)}
      {presence ? (
        <span className={styles.badge}>
          <StatusMark presence={presence} />
        </span>
      ) : null}
    </span>
  );
}
