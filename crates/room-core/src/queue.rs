//! The shared queue: votes order it (score, then time added), except where the host or a DJ
//! placed songs by hand.
//!
//! Reordering pins the moved song and every song above its old and new place, in the order the
//! person arranged them; votes keep sorting the unpinned rest. So a drag is never undone by the
//! next vote, and votes still matter for everything nobody arranged.

use std::collections::BTreeMap;

use crate::error::{ErrorCode, RoomError};
use crate::protocol::{MemberId, QueueEntryView, SongId, SongView};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    pub song: SongView,
    /// Insertion order, the tie-breaker after score ("time added").
    pub seq: u64,
    pub votes: BTreeMap<MemberId, i8>,
    /// Position among hand-placed songs; `None` when votes place it.
    pub pin: Option<u32>,
}

impl QueueEntry {
    pub fn score(&self) -> i32 {
        self.votes.values().map(|&v| i32::from(v)).sum()
    }

    fn tally(&self) -> (u32, u32) {
        self.votes.values().fold((0, 0), |(up, down), &v| match v {
            1 => (up + 1, down),
            -1 => (up, down + 1),
            _ => (up, down),
        })
    }

    pub fn view(&self) -> QueueEntryView {
        let (upvotes, downvotes) = self.tally();
        QueueEntryView {
            song: self.song.clone(),
            score: self.score(),
            upvotes,
            downvotes,
            pinned: self.pin.is_some(),
        }
    }
}

/// Entries, always kept in play order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Queue {
    entries: Vec<QueueEntry>,
}

impl Queue {
    /// Build from stored entries (any order).
    pub fn from_entries(entries: Vec<QueueEntry>) -> Self {
        let mut q = Self { entries };
        q.sort();
        q
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entries(&self) -> &[QueueEntry] {
        &self.entries
    }

    pub fn get(&self, id: SongId) -> Option<&QueueEntry> {
        self.entries.iter().find(|e| e.song.id == id)
    }

    pub fn order(&self) -> Vec<SongId> {
        self.entries.iter().map(|e| e.song.id).collect()
    }

    pub fn views(&self) -> Vec<QueueEntryView> {
        self.entries.iter().map(QueueEntry::view).collect()
    }

    pub fn push(&mut self, song: SongView, seq: u64) -> &QueueEntry {
        let id = song.id;
        self.entries.push(QueueEntry {
            song,
            seq,
            votes: BTreeMap::new(),
            pin: None,
        });
        self.sort();
        // Just inserted: present.
        let idx = self.index_of(id).unwrap_or(0);
        &self.entries[idx]
    }

    /// # Errors
    /// `song-not-found` when `id` is not queued.
    pub fn remove(&mut self, id: SongId) -> Result<QueueEntry, RoomError> {
        let idx = self.index_of(id).ok_or_else(|| not_found(id))?;
        Ok(self.entries.remove(idx))
    }

    pub fn pop_front(&mut self) -> Option<QueueEntry> {
        (!self.entries.is_empty()).then(|| self.entries.remove(0))
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Record `member`'s vote (1, -1, or 0 to withdraw). Returns the entry after the vote.
    ///
    /// # Errors
    /// `invalid-field` for another value, `song-not-found` when `id` is not queued.
    pub fn vote(
        &mut self,
        id: SongId,
        member: MemberId,
        vote: i8,
    ) -> Result<&QueueEntry, RoomError> {
        if !matches!(vote, -1..=1) {
            return Err(RoomError::invalid("vote must be 1, -1 or 0"));
        }
        let idx = self.index_of(id).ok_or_else(|| not_found(id))?;
        let votes = &mut self.entries[idx].votes;
        if vote == 0 {
            votes.remove(&member);
        } else {
            votes.insert(member, vote);
        }
        self.sort();
        let idx = self.index_of(id).unwrap_or(0);
        Ok(&self.entries[idx])
    }

    /// Move `id` to `to_index` (clamped to the end) and pin everything above its old and new place.
    /// Returns the ids whose pins changed, so they can be stored.
    ///
    /// # Errors
    /// `song-not-found` when `id` is not queued.
    pub fn reorder(&mut self, id: SongId, to_index: usize) -> Result<Vec<SongId>, RoomError> {
        let from = self.index_of(id).ok_or_else(|| not_found(id))?;
        let entry = self.entries.remove(from);
        let to = to_index.min(self.entries.len());
        self.entries.insert(to, entry);
        let mut changed = Vec::new();
        for (rank, e) in self.entries.iter_mut().enumerate().take(from.max(to) + 1) {
            let pin = u32::try_from(rank).ok();
            if e.pin != pin {
                e.pin = pin;
                changed.push(e.song.id);
            }
        }
        self.sort();
        Ok(changed)
    }

    /// Votes a member holds, by song.
    pub fn votes_of(&self, member: MemberId) -> BTreeMap<SongId, i8> {
        self.entries
            .iter()
            .filter_map(|e| e.votes.get(&member).map(|&v| (e.song.id, v)))
            .collect()
    }

    fn index_of(&self, id: SongId) -> Option<usize> {
        self.entries.iter().position(|e| e.song.id == id)
    }

    fn sort(&mut self) {
        self.entries.sort_by(|a, b| match (a.pin, b.pin) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => b.score().cmp(&a.score()).then(a.seq.cmp(&b.seq)),
        });
    }
}

fn not_found(id: SongId) -> RoomError {
    RoomError::new(
        ErrorCode::SongNotFound,
        format!("song {id} is not in the queue"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SongSource;

    fn song(id: SongId) -> SongView {
        SongView {
            id,
            source: SongSource::Youtube {
                video_id: "dQw4w9WgXcQ".into(),
            },
            url: None,
            title: format!("song {id}"),
            artist: None,
            album: None,
            duration_us: None,
            added_by: 1,
            added_by_name: "a".into(),
            added_at_us: 0,
        }
    }

    fn queue(n: u64) -> Queue {
        let mut q = Queue::default();
        for id in 1..=n {
            q.push(song(id), id);
        }
        q
    }

    #[test]
    fn orders_by_score_then_time_added() {
        let mut q = queue(4);
        assert_eq!(q.order(), vec![1, 2, 3, 4]);
        q.vote(3, 10, 1).expect("vote");
        q.vote(4, 10, 1).expect("vote");
        q.vote(4, 11, 1).expect("vote");
        q.vote(1, 10, -1).expect("vote");
        assert_eq!(q.order(), vec![4, 3, 2, 1]);
        // One vote per member: voting again replaces, 0 withdraws.
        q.vote(4, 11, 1).expect("vote");
        assert_eq!(q.get(4).map(QueueEntry::score), Some(2));
        q.vote(4, 11, 0).expect("vote");
        q.vote(4, 10, 0).expect("vote");
        assert_eq!(q.order(), vec![3, 2, 4, 1]);
        assert!(q.vote(4, 10, 2).is_err());
        assert!(q.vote(99, 10, 1).is_err());
    }

    #[test]
    fn reorder_pins_the_arranged_prefix_and_votes_sort_the_rest() {
        let mut q = queue(5);
        q.reorder(4, 1).expect("reorder");
        assert_eq!(q.order(), vec![1, 4, 2, 3, 5]);
        // 5 gets votes but cannot jump over the hand-placed songs 1, 4, 2, 3.
        q.vote(5, 10, 1).expect("vote");
        assert_eq!(q.order(), vec![1, 4, 2, 3, 5]);
        q.push(song(6), 6);
        q.vote(6, 10, 1).expect("vote");
        q.vote(6, 11, 1).expect("vote");
        assert_eq!(q.order(), vec![1, 4, 2, 3, 6, 5]);
        // Out-of-range targets go to the end.
        q.reorder(1, 99).expect("reorder");
        assert_eq!(q.order(), vec![4, 2, 3, 6, 5, 1]);
    }
}
