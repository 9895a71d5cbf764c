import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import QRCode from "qrcode";

const run = promisify(execFile);

/** Chromium's fake camera; with a file it plays that file (looping) instead of its test pattern. */
export function fakeCameraArgs(videoFile?: string): string[] {
  return [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    ...(videoFile ? [`--use-file-for-fake-video-capture=${videoFile}`] : []),
  ];
}

/**
 * A short y4m video of a picture, for the fake camera: scaled to 400 px and centred on white, as
 * a label held up to a phone. ffmpeg makes it; Chromium loops it.
 */
export async function imageVideo(picture: string, dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const video = path.join(dir, `${path.basename(picture, path.extname(picture))}.y4m`);
  await run("ffmpeg", [
    "-y",
    "-loglevel",
    "error",
    "-loop",
    "1",
    "-i",
    picture,
    "-t",
    "1",
    "-r",
    "10",
    "-vf",
    "scale=400:400:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2:color=white,format=yuv420p",
    "-f",
    "yuv4mpegpipe",
    video,
  ]);
  return video;
}

/** The fake camera's video of a QR code of `text` (with its quiet zone), made with `qrcode`. */
export async function qrCodeVideo(dir: string, text: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const png = path.join(dir, `${text.replace(/[^A-Za-z0-9-]/g, "_")}.png`);
  await QRCode.toFile(png, text, { width: 400, margin: 4, errorCorrectionLevel: "M" });
  return imageVideo(png, dir);
}
