// The app's IPC commands, by name: read by build.rs (to generate an `allow-<command>`
// permission for each) and by lib.rs (to grant exactly these to the UI's loopback origin).
// Keep in step with `tauri::generate_handler!` in lib.rs; a test checks the two agree.
pub const COMMANDS: &[&str] = &[
    "subscribe",
    "app_config",
    "get_settings",
    "save_settings",
    "list_output_devices",
    "host_room",
    "join_room",
    "open_link",
    "leave_room",
    "close_room",
    "control",
    "add_link",
    "add_files",
    "choose_files",
    "vote",
    "reorder",
    "remove_song",
    "chat",
    "set_role",
    "transfer_host",
    "set_policy",
    "youtube_report",
];
