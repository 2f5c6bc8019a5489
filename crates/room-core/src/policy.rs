//! Roles, the room's control policy, and the one place that decides who may do what.

use serde::{Deserialize, Serialize};

/// A member's role in the room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Host,
    Dj,
    Listener,
}

/// Who may control playback (pause, resume, seek, next, play-now).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ControlPolicy {
    HostOnly,
    #[default]
    HostAndDjs,
    Everyone,
}

/// Things a member may try to do; each is checked here and nowhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Pause, resume, seek, next, play-now: governed by the control policy.
    ControlPlayback,
    /// Remove others' songs, clear, reorder: host and DJs.
    ManageQueue,
    /// Add a song, vote, chat: every member.
    Participate,
    /// Change roles, hand over the host role, change the policy, close the room: host only.
    Administer,
}

/// Whether `role` may perform `action` in a room governed by `policy`.
pub fn allowed(role: Role, policy: ControlPolicy, action: Action) -> bool {
    match action {
        Action::Participate => true,
        Action::Administer => role == Role::Host,
        Action::ManageQueue => matches!(role, Role::Host | Role::Dj),
        Action::ControlPlayback => match policy {
            ControlPolicy::HostOnly => role == Role::Host,
            ControlPolicy::HostAndDjs => matches!(role, Role::Host | Role::Dj),
            ControlPolicy::Everyone => true,
        },
    }
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Host => "host",
            Role::Dj => "dj",
            Role::Listener => "listener",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "host" => Some(Role::Host),
            "dj" => Some(Role::Dj),
            "listener" => Some(Role::Listener),
            _ => None,
        }
    }
}

impl ControlPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            ControlPolicy::HostOnly => "host-only",
            ControlPolicy::HostAndDjs => "host-and-djs",
            ControlPolicy::Everyone => "everyone",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "host-only" => Some(ControlPolicy::HostOnly),
            "host-and-djs" => Some(ControlPolicy::HostAndDjs),
            "everyone" => Some(ControlPolicy::Everyone),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listeners_control_only_when_policy_is_everyone() {
        assert!(!allowed(
            Role::Listener,
            ControlPolicy::HostOnly,
            Action::ControlPlayback
        ));
        assert!(!allowed(
            Role::Listener,
            ControlPolicy::HostAndDjs,
            Action::ControlPlayback
        ));
        assert!(allowed(
            Role::Listener,
            ControlPolicy::Everyone,
            Action::ControlPlayback
        ));
        assert!(!allowed(
            Role::Dj,
            ControlPolicy::HostOnly,
            Action::ControlPlayback
        ));
        assert!(allowed(
            Role::Dj,
            ControlPolicy::HostAndDjs,
            Action::ControlPlayback
        ));
        assert!(!allowed(
            Role::Dj,
            ControlPolicy::Everyone,
            Action::Administer
        ));
        assert!(!allowed(
            Role::Listener,
            ControlPolicy::Everyone,
            Action::ManageQueue
        ));
    }
}
