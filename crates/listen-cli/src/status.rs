//! What a person reads on stderr: a status line every few seconds, and plain explanations of
//! connection problems.

use room_core::ErrorCode;
use sync_client::{ClientError, ClientState, ConnectionStatus};

use listener::follow::TickReport;

/// The periodic status line.
pub fn line(state: &ClientState, tick: &TickReport, naive: bool) -> String {
    let what = match (tick.activity.as_str(), tick.song_id) {
        (activity, Some(song)) => match tick.target_us {
            Some(pos) => format!("{activity} song {song} at {}", clock_time(pos)),
            None => format!("{activity} song {song}"),
        },
        (activity, None) => activity.to_owned(),
    };
    let connection = match &state.status {
        ConnectionStatus::InRoom => String::new(),
        other => format!(" · {}", connection(other)),
    };
    if naive {
        return format!("{what} · naive (trusts its wall clock, no clock sync){connection}");
    }
    let sync = match tick.error_us {
        Some(e) => format!("in sync ±{:.2} ms", e.unsigned_abs() as f64 / 1e3),
        None => "sync n/a".to_owned(),
    };
    let c = &state.clock;
    let ms = |us: Option<i64>| us.map_or("?".to_owned(), |v| format!("{:.3}", v as f64 / 1e3));
    format!(
        "{what} · {sync} · offset {} ms · rtt {} ms · clock ±{} ms · skew {:+.0} ppm{connection}",
        ms(c.offset_us),
        ms(c.rtt_us),
        ms(c.uncertainty_us),
        c.skew_ppm
    )
}

fn connection(status: &ConnectionStatus) -> String {
    match status {
        ConnectionStatus::Connecting { .. } => "connecting".to_owned(),
        ConnectionStatus::Joining => "joining".to_owned(),
        ConnectionStatus::InRoom => "in the room".to_owned(),
        ConnectionStatus::Reconnecting { retry_in, .. } => {
            format!("reconnecting in {:.1} s", retry_in.as_secs_f64())
        }
        ConnectionStatus::Failed => "failed".to_owned(),
        ConnectionStatus::Closed => "closed".to_owned(),
    }
}

/// `m:ss.mmm` for a song position (negative before a start).
fn clock_time(us: i64) -> String {
    let sign = if us < 0 { "-" } else { "" };
    let ms = us.unsigned_abs() / 1_000;
    format!(
        "{sign}{}:{:02}.{:03}",
        ms / 60_000,
        (ms / 1_000) % 60,
        ms % 1_000
    )
}

/// A sentence for a person about `error`, for the room `code` at `url`.
pub fn explain(error: &ClientError, code: &str, url: &str) -> String {
    match error.server_code() {
        Some(ErrorCode::RoomNotFound) => {
            format!("no room has the code {code} on {url}; check the code with the host")
        }
        Some(ErrorCode::WrongPassword) => format!(
            "room {code} needs a password and that one is not it (pass --password, or TANDEM_PASSWORD)"
        ),
        Some(ErrorCode::WrongHostSecret) => {
            format!("that host secret does not belong to room {code}")
        }
        Some(ErrorCode::RoomFull) => format!("room {code} is full; retrying"),
        _ => match error {
            ClientError::Unreachable(why) => format!("cannot reach the server: {why}"),
            ClientError::Dropped(why) => format!("lost the connection: {why}"),
            ClientError::RoomClosed(why) => format!("the host closed the room: {why}"),
            other => other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn song_positions_read_as_minutes_and_seconds() {
        assert_eq!(clock_time(83_456_000), "1:23.456");
        assert_eq!(clock_time(-750_000), "-0:00.750");
    }
}
