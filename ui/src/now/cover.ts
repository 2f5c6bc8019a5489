// The generated cover for songs without art: two hues from the title, and an initial.

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export interface Placeholder {
  from: string;
  to: string;
  initial: string;
}

export function placeholderCover(title: string, artist?: string | null): Placeholder {
  const h = hash(`${title}\u0000${artist ?? ""}`);
  const hue = h % 360;
  const hue2 = (hue + 40 + ((h >>> 9) % 80)) % 360;
  const first = Array.from(title.trim())[0] ?? "♪";
  return {
    from: `hsl(${hue} 62% 52%)`,
    to: `hsl(${hue2} 70% 38%)`,
    initial: /\p{L}|\p{N}/u.test(first) ? first.toUpperCase() : "♪",
  };
}

/** Only `data:image/…` URLs are shown as covers. */
export function safeCover(cover: string | null | undefined): string | null {
  return cover != null && /^data:image\/(png|jpe?g|gif|webp|bmp|avif);base64,[A-Za-z0-9+/=\s]+$/i.test(cover) ? cover : null;
}

/** The QR code's SVG document as an image URL (never parsed into the page). */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;utf8,${encodeURIComponent(svg)}`;
}
