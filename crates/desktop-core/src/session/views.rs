//! Turns the sync client's state into what the UI is sent (pure functions).

use std::collections::HashMap;

use room_core::policy::{Action, allowed};
use room_core::{ControlPolicy, Role};
use sync_client::{ClientError, ClientState, ConnectionStatus};

use crate::view::{
    Correction, MeView, NowPlayingView, QueueItemView, RoomUiView, SessionStatus, SessionView,
    ShareView, SyncState, SyncView,
};

/// The session banner: status, and what went wrong in words a person can act on.
pub fn session_view(state: &ClientState, url: &str) -> SessionView {
    let (status, retry_in_ms) = match &state.status {
        ConnectionStatus::Connecting { .. } => (SessionStatus::Connecting, None),
        ConnectionStatus::Joining => (SessionStatus::Joining, None),
        ConnectionStatus::InRoom => (SessionStatus::InRoom, None),
        ConnectionStatus::Reconnecting { retry_in, .. } => (
            SessionStatus::Reconnecting,
            Some(u64::try_from(retry_in.as_millis()).unwrap_or(u64::MAX)),
        ),
        ConnectionStatus::Failed => (SessionStatus::Failed, None),
        ConnectionStatus::Closed => (SessionStatus::Closed, None),
    };
    let show_error = !matches!(status, SessionStatus::InRoom);
    let error = state.last_error.as_ref().filter(|_| show_error);
    SessionView {
        status,
        message: error.map(|e| explain(e, url)),
        error_kind: error.map(error_kind),
        retry_in_ms,
    }
}

/// The stable code of an error: the server's code when it refused, else the client's kind.
pub fn error_kind(e: &ClientError) -> String {
    e.server_code()
        .map_or_else(|| e.kind().to_owned(), |c| c.as_str().to_owned())
}

/// What happened and what to do about it.
pub fn explain(e: &ClientError, url: &str) -> String {
    use room_core::ErrorCode as C;
    match e.server_code() {
        Some(C::RoomNotFound) => {
            "There is no room with that code on this server. Check the code with the host (codes look like K7QM2D).".into()
        }
        Some(C::WrongPassword) => "Wrong password for this room. Ask the host for it and try again.".into(),
        Some(C::RoomFull) => "This room is full. Ask the host to make room, or try later.".into(),
        Some(C::RoomClosed) => "The host has closed this room.".into(),
        Some(C::UnsupportedProtocol) => {
            "The host runs a different version of Tandem. Update both apps to the same version.".into()
        }
        _ => match e {
            ClientError::Unreachable(_) => format!(
                "Cannot reach the host at {url}. Check that the host's app is open, that you are on the same network, and the address; retrying."
            ),
            ClientError::Dropped(_) => "The connection to the room dropped; reconnecting.".into(),
            ClientError::RoomClosed(reason) => format!("The room was closed ({reason})."),
            ClientError::InvalidUrl { reason, .. } => format!("That address cannot be used: {reason}."),
            other => other.to_string(),
        },
    }
}

/// Why this member may not control playback, if it may not.
pub fn control_reason(role: Role, policy: ControlPolicy) -> Option<String> {
    if allowed(role, policy, Action::ControlPlayback) {
        return None;
    }
    Some(match policy {
        ControlPolicy::HostOnly => "Only the host controls playback in this room.".into(),
        _ => "Only the host and DJs control playback in this room; the host can make you a DJ."
            .into(),
    })
}

/// What the room screen shows.
pub fn room_view(
    state: &ClientState,
    hosting: bool,
    share: Option<ShareView>,
    covers: &HashMap<String, String>,
) -> Option<RoomUiView> {
    let room = state.room.as_ref()?;
    let me = state.me?;
    let my_name = room
        .members
        .get(&me.member_id)
        .map(|m| m.name.clone())
        .unwrap_or_default();
    let mut members: Vec<_> = room.members.values().cloned().collect();
    let rank = |r: Role| match r {
        Role::Host => 0,
        Role::Dj => 1,
        Role::Listener => 2,
    };
    members.sort_by_key(|m| (rank(m.role), !m.connected, m.name.to_lowercase(), m.id));
    let queue = room
        .queue
        .iter()
        .map(|entry| QueueItemView {
            my_vote: room.your_votes.get(&entry.song.id).copied().unwrap_or(0),
            entry: entry.clone(),
        })
        .collect();
    let now_playing = room.song.as_ref().map(|song| NowPlayingView {
        cover: match &song.source {
            room_core::SongSource::Local { sha256, .. } => covers.get(sha256).cloned(),
            _ => None,
        },
        song: song.clone(),
        is_playing: room.playback.is_playing,
        waiting: room.playback.waiting,
    });
    let reason = control_reason(me.role, room.policy);
    Some(RoomUiView {
        code: room.code.clone(),
        name: room.name.clone(),
        policy: room.policy,
        has_password: room.has_password,
        me: MeView {
            member_id: me.member_id,
            role: me.role,
            name: my_name,
        },
        member_count: room.members.len(),
        members,
        queue,
        now_playing,
        chat: room.chat.iter().cloned().collect(),
        can_control: reason.is_none(),
        control_reason: reason,
        hosting,
        share,
    })
}

/// The sync badge, from the clock estimate and what the follower did.
pub fn sync_view(
    state: &ClientState,
    error_us: Option<i64>,
    trimming: bool,
    jumped_recently: bool,
) -> SyncView {
    let clock = state.clock;
    let (state_kind, correction, label) = if state.status != ConnectionStatus::InRoom {
        (
            SyncState::Offline,
            Correction::None,
            "offline: following the last known timeline".to_owned(),
        )
    } else if !clock.synced {
        (
            SyncState::Measuring,
            Correction::None,
            "measuring the clock…".to_owned(),
        )
    } else if jumped_recently {
        (
            SyncState::Correcting,
            Correction::Jump,
            "correcting: jumped to the room's position".to_owned(),
        )
    } else if trimming {
        (
            SyncState::Correcting,
            Correction::Trim,
            "correcting: nudging the speed".to_owned(),
        )
    } else {
        (
            SyncState::InSync,
            Correction::None,
            format!("in sync ±{}", ms(clock.uncertainty_us.unwrap_or(0))),
        )
    };
    SyncView {
        state: state_kind,
        offset_us: clock.offset_us,
        uncertainty_us: clock.uncertainty_us,
        rtt_us: clock.rtt_us,
        error_us,
        correction,
        label,
    }
}

/// `412` → "0.4 ms", `12_345` → "12 ms", `1_500_000` → "1.5 s".
pub fn ms(us: i64) -> String {
    let us = us.unsigned_abs();
    if us < 10_000 {
        format!("{:.1} ms", us as f64 / 1e3)
    } else if us < 1_000_000 {
        format!("{} ms", (us as f64 / 1e3).round())
    } else {
        format!("{:.1} s", us as f64 / 1e6)
    }
}
