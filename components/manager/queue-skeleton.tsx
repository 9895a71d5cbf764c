import styles from "./manager.module.css";

/** Grey shapes where the items will be; the label is for screen readers. */
export function QueueSkeleton({ label }: { label: string }) {
  return (
    <div className={styles.skeleton} aria-busy="true">
      <p className="sr-only" role="status">
        {label}
      </p>
      {[0, 1, 2].map((n) => (
        <div key={n} className={styles.skeletonItem} aria-hidden="true">
          <span className={styles.skeletonLine} data-width="short" />
          <span className={styles.skeletonLine} data-width="long" />
          <span className={styles.skeletonLine} data-width="medium" />
        </div>
      ))}
    </div>
  );
}
