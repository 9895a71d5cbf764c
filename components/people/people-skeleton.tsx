import styles from "./people-skeleton.module.css";

/** Grey rows in the shape of the list while it loads; screen readers hear the label instead. */
export function PeopleSkeleton({ label, rows = 6 }: { label: string; rows?: number }) {
  return (
    <div className={styles.skeleton} role="status" aria-busy="true">
      <span className="sr-only">{label}</span>
      {Array.from({ length: rows }, (_, index) => (
        <div key={index} className={styles.row} aria-hidden="true">
          <span className={styles.avatar} />
          <span className={styles.lines}>
            <span className={styles.line} style={{ width: `${55 + ((index * 17) % 30)}%` }} />
            <span className={`${styles.line} ${styles.short}`} style={{ width: `${30 + ((index * 23) % 35)}%` }} />
          </span>
        </div>
      ))}
    </div>
  );
}
