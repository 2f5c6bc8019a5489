//! Rooms in memory, by code. Held only for lookups; each room's state lives in its own task.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use room_core::{ErrorCode, RoomError};

use crate::room_task::RoomHandle;
use crate::secrets;

#[derive(Debug, Default)]
pub struct Registry {
    rooms: Mutex<HashMap<String, RoomHandle>>,
}

impl Registry {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, RoomHandle>> {
        // A panic while holding this lock leaves a plain map behind; it is still consistent.
        self.rooms.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn get(&self, code: &str) -> Option<RoomHandle> {
        self.lock().get(code).cloned()
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Pick an unused code and register the room `make` builds for it.
    ///
    /// # Errors
    /// `server-full` at `max_rooms`; whatever `make` returns.
    pub fn create(
        &self,
        max_rooms: usize,
        make: impl FnOnce(String) -> Result<RoomHandle, RoomError>,
    ) -> Result<RoomHandle, RoomError> {
        let mut rooms = self.lock();
        if rooms.len() >= max_rooms {
            return Err(RoomError::new(
                ErrorCode::ServerFull,
                "this server has as many rooms as it can hold; try again later",
            ));
        }
        let code = loop {
            let code = secrets::room_code();
            if !rooms.contains_key(&code) {
                break code;
            }
        };
        let handle = make(code.clone())?;
        rooms.insert(code, handle.clone());
        Ok(handle)
    }

    /// Register a room restored from the store.
    pub fn insert(&self, handle: RoomHandle) {
        self.lock().insert(handle.code.to_string(), handle);
    }

    pub fn remove(&self, code: &str) {
        self.lock().remove(code);
    }
}
