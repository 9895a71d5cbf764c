import { create } from "qrcode";

/** The blank border scanners need around a QR code, in modules (the standard asks for 4). */
const QUIET_ZONE = 4;

/** The dark modules as one SVG path, each row's runs of dark modules as one rectangle. */
export function qrPath(value: string): { size: number; d: string } {
  const { modules } = create(value, { errorCorrectionLevel: "M" });
  const parts: string[] = [];
  for (let y = 0; y < modules.size; y++) {
    let x = 0;
    while (x < modules.size) {
      if (!modules.get(y, x)) {
        x++;
        continue;
      }
      const start = x;
      while (x < modules.size && modules.get(y, x)) x++;
      parts.push(`M${start} ${y}h${x - start}v1h${start - x}z`);
    }
  }
  return { size: modules.size, d: parts.join("") };
}

/**
 * A QR code as inline SVG, made on the server (no client JavaScript), black on white whatever the
 * theme, since it is meant for paper and for scanners.
 */
export function QrCode({ value, className }: { value: string; className?: string }) {
  const { size, d } = qrPath(value);
  const full = size + QUIET_ZONE * 2;
  return (
    <svg className={className} viewBox={`${-QUIET_ZONE} ${-QUIET_ZONE} ${full} ${full}`} shapeRendering="crispEdges" aria-hidden="true" focusable="false">
      <rect x={-QUIET_ZONE} y={-QUIET_ZONE} width={full} height={full} fill="#ffffff" />
      <path d={d} fill="#000000" />
    </svg>
  );
}
