//! What a [`SyncHandle`](crate::SyncHandle) asks of the driver task, in the order given.

use room_core::ClientMessage;
use tokio::sync::oneshot;

#[derive(Debug)]
pub(crate) enum Command {
    /// Send this to the room (dropped with [`ClientError::NotInRoom`](crate::ClientError) when
    /// not in it).
    Send(ClientMessage),
    /// Change whether the room waits for this player; kept for every rejoin.
    SetWaitForMe(bool),
    /// Leave the room, close the socket and stop; answered once done.
    Leave(oneshot::Sender<()>),
}
