//! Which bytes of a file are on disk: disjoint, non-adjacent half-open intervals.

use std::collections::BTreeMap;

/// A set of byte ranges `[start, end)`, merged as they grow.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RangeSet {
    /// start → end, disjoint and never touching.
    spans: BTreeMap<u64, u64>,
}

impl RangeSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add `[start, end)`.
    pub fn insert(&mut self, start: u64, end: u64) {
        if start >= end {
            return;
        }
        let (mut start, mut end) = (start, end);
        // A span that starts before and reaches `start` absorbs it.
        if let Some((&s, &e)) = self.spans.range(..=start).next_back()
            && e >= start
        {
            start = s;
            end = end.max(e);
        }
        // Spans starting inside (or touching the end of) the new one merge into it.
        let inside: Vec<(u64, u64)> = self
            .spans
            .range(start..=end)
            .map(|(&s, &e)| (s, e))
            .collect();
        for (s, e) in inside {
            self.spans.remove(&s);
            end = end.max(e);
        }
        self.spans.insert(start, end);
    }

    /// The end of the span holding byte `pos`, if it is held.
    pub fn available_from(&self, pos: u64) -> Option<u64> {
        self.spans
            .range(..=pos)
            .next_back()
            .and_then(|(_, &e)| (e > pos).then_some(e))
    }

    /// The start of the first held span after `pos` (for where a fetch from `pos` can stop).
    pub fn next_start_after(&self, pos: u64) -> Option<u64> {
        self.spans
            .range(pos.saturating_add(1)..)
            .next()
            .map(|(&s, _)| s)
    }

    /// The first missing byte at or after `from`, below `total`.
    pub fn first_missing_from(&self, from: u64, total: u64) -> Option<u64> {
        let pos = self.available_from(from).unwrap_or(from);
        (pos < total).then_some(pos)
    }

    /// Whether every byte of `[0, total)` is held.
    pub fn covers(&self, total: u64) -> bool {
        total == 0 || self.available_from(0).is_some_and(|e| e >= total)
    }

    /// Bytes held.
    pub fn len(&self) -> u64 {
        self.spans.iter().map(|(s, e)| e - s).sum()
    }

    /// Forget everything at or past `total` (the file is shorter than thought).
    pub fn truncate(&mut self, total: u64) {
        let spans = std::mem::take(&mut self.spans);
        for (s, e) in spans {
            if s < total {
                self.spans.insert(s, e.min(total));
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.spans.iter().map(|(&s, &e)| (s, e))
    }

    /// `start-end` lines, for the sidecar file.
    pub fn to_text(&self) -> String {
        self.iter().map(|(s, e)| format!("{s}-{e}\n")).collect()
    }

    /// The inverse of [`to_text`](Self::to_text); unparsable lines are skipped.
    pub fn from_text(text: &str) -> Self {
        let mut set = Self::new();
        for line in text.lines() {
            if let Some((s, e)) = line.trim().split_once('-')
                && let (Ok(s), Ok(e)) = (s.parse(), e.parse())
            {
                set.insert(s, e);
            }
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(r: &RangeSet) -> Vec<(u64, u64)> {
        r.iter().collect()
    }

    #[test]
    fn merges_overlapping_and_touching_spans() {
        let mut r = RangeSet::new();
        r.insert(10, 20);
        r.insert(30, 40);
        assert_eq!(spans(&r), [(10, 20), (30, 40)]);
        r.insert(20, 25);
        assert_eq!(spans(&r), [(10, 25), (30, 40)]);
        r.insert(5, 12);
        assert_eq!(spans(&r), [(5, 25), (30, 40)]);
        r.insert(24, 30);
        assert_eq!(spans(&r), [(5, 40)]);
        r.insert(0, 100);
        assert_eq!(spans(&r), [(0, 100)]);
        r.insert(50, 50);
        assert_eq!(r.len(), 100);
    }

    #[test]
    fn answers_what_is_there_and_what_is_missing() {
        let mut r = RangeSet::new();
        r.insert(0, 10);
        r.insert(20, 30);
        assert_eq!(r.available_from(0), Some(10));
        assert_eq!(r.available_from(9), Some(10));
        assert_eq!(r.available_from(10), None);
        assert_eq!(r.available_from(25), Some(30));
        assert_eq!(r.next_start_after(10), Some(20));
        assert_eq!(r.next_start_after(20), None);
        assert_eq!(r.first_missing_from(0, 40), Some(10));
        assert_eq!(r.first_missing_from(20, 40), Some(30));
        assert_eq!(r.first_missing_from(20, 30), None);
        assert!(!r.covers(30));
        r.insert(10, 20);
        assert!(r.covers(30));
        assert!(!r.covers(31));
        assert!(RangeSet::new().covers(0));
    }

    #[test]
    fn text_round_trip_and_truncate() {
        let mut r = RangeSet::new();
        r.insert(0, 10);
        r.insert(20, 30);
        assert_eq!(RangeSet::from_text(&r.to_text()), r);
        assert_eq!(spans(&RangeSet::from_text("junk\n5-9\n9-x\n")), [(5, 9)]);
        r.truncate(25);
        assert_eq!(spans(&r), [(0, 10), (20, 25)]);
        r.truncate(20);
        assert_eq!(spans(&r), [(0, 10)]);
    }
}
