/** The search a listener who cannot play a Spotify song is offered on YouTube: "title artist". */
export function youtubeQuery(title: string, artist: string | null): string {
  return [title, artist ?? ""].map((s) => s.trim()).filter((s) => s !== "").join(" ").slice(0, 200);
}
