/** What `app_config` returns. */
export interface AppConfig {
  /** The YouTube IFrame API script (https://www.youtube.com/iframe_api, or a fake under test). */
  youtubeApiUrl: string;
  /** The app's version, shown in the settings. */
  version: string;
}
