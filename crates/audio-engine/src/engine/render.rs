//! The render callback's side of the engine: copy, gain, trim, schedule, publish.
//!
//! Runs on the device's thread. It never allocates, never blocks and does no I/O: it pops
//! chunks and controls from lock-free rings, pushes spent chunks and events back, and writes
//! atomics. Everything it needs is allocated when the output opens.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use rtrb::{Consumer, Producer};

use super::chunk::{CbEvent, Chunk, Control, Start};
use super::shared::Shared;
use super::{EndReason, SongId};
use crate::output::RenderTiming;

/// What the callback is doing with the queued frames.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// Silence; the queue and the cursor are kept (loaded, paused, stopped).
    Held,
    /// The cursor's frame is to be heard at `at_us` (local µs; `None`: as soon as there is
    /// data). Silence is padded before it; if it is already late, frames are skipped so the
    /// timeline holds. `announce`: emit `Started` when it starts (not after an underrun).
    Waiting { at_us: Option<f64>, announce: bool },
    /// Copying frames.
    Playing,
    /// A song ended with nothing queued; a later chunk of the same generation plays at once.
    Drained,
}

/// A single-frame correction due from the rate trim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    None,
    /// Skip the next source frame (playing faster).
    Drop,
    /// Repeat the last frame (playing slower).
    Dup,
}

enum Front {
    /// `cur` holds a chunk with frames left, or an end marker.
    Data,
    /// Nothing to play yet.
    Empty,
    /// A control of a newer generation was applied: re-dispatch on the new mode.
    Changed,
}

pub(crate) struct Renderer {
    chunks: Consumer<Box<Chunk>>,
    free: Producer<Box<Chunk>>,
    ctrl: Consumer<Control>,
    events: Producer<CbEvent>,
    shared: Arc<Shared>,
    channels: usize,
    frame_us: f64,
    generation: u64,
    mode: Mode,
    cur: Option<Box<Chunk>>,
    offset: usize,
    /// The song whose frames were output last (for Ended/Started at a gapless change).
    song: Option<SongId>,
    trim_acc: u64,
    pending: Pending,
    gain: f32,
    last_frame: Box<[f32]>,
    /// While playing: when the cursor's frame is due (local µs), i.e. right after the last
    /// buffer. Lets a new output pick up on the same timeline.
    next_due_us: f64,
}

impl Renderer {
    pub fn new(
        chunks: Consumer<Box<Chunk>>,
        free: Producer<Box<Chunk>>,
        ctrl: Consumer<Control>,
        events: Producer<CbEvent>,
        shared: Arc<Shared>,
        channels: usize,
        sample_rate: u32,
    ) -> Self {
        let gain = shared.volume();
        Self {
            chunks,
            free,
            ctrl,
            events,
            shared,
            channels: channels.max(1),
            frame_us: 1e6 / f64::from(sample_rate.max(1)),
            generation: 0,
            mode: Mode::Held,
            cur: None,
            offset: 0,
            song: None,
            trim_acc: 0,
            pending: Pending::None,
            gain,
            last_frame: vec![0.0; channels.max(1)].into_boxed_slice(),
            next_due_us: 0.0,
        }
    }

    /// Fills `out` (interleaved, `channels` per frame) for a buffer whose first frame is heard
    /// at `timing.heard_at_local_us`.
    pub fn render(&mut self, out: &mut [f32], timing: RenderTiming) {
        let started = Instant::now();
        out.fill(0.0);
        self.apply_controls();
        self.drop_stale();
        let ch = self.channels;
        let n = out.len() / ch;
        let h0 = timing.heard_at_local_us as f64;
        let ppm = self.shared.trim_ppm.load(Ordering::Relaxed);
        let g0 = self.gain;
        let g1 = self.shared.volume();
        let mut counts = Counts::default();
        // First frame of the last song segment output in this buffer: (song, frame, index).
        let mut anchor: Option<(SongId, u64, usize)> = None;
        let mut i = 0usize;
        while i < n {
            match self.mode {
                Mode::Held => break,
                Mode::Drained => match self.front() {
                    Front::Data => self.mode = Mode::Playing,
                    Front::Changed => {}
                    Front::Empty => break,
                },
                Mode::Waiting { at_us, announce } => {
                    match self.front() {
                        Front::Data => {}
                        Front::Changed => continue,
                        Front::Empty => {
                            if at_us.is_none_or(|t| t <= h0 + i as f64 * self.frame_us) {
                                counts.underrun += (n - i) as u64;
                            }
                            break;
                        }
                    }
                    if let Some(t) = at_us {
                        let k = ((t - h0) / self.frame_us).round();
                        if k >= n as f64 {
                            break;
                        }
                        let k = k as i64;
                        let i_signed = i as i64;
                        if k > i_signed {
                            i = k as usize;
                        } else if k < i_signed {
                            let late = (i_signed - k).unsigned_abs();
                            let (skipped, changed) = self.skip(late);
                            counts.late_skipped += skipped;
                            if changed {
                                continue;
                            }
                            if skipped < late {
                                // Out of data while catching up: the cursor's frame is now due
                                // this much later.
                                self.mode = Mode::Waiting {
                                    at_us: Some(t + skipped as f64 * self.frame_us),
                                    announce,
                                };
                                continue;
                            }
                        }
                    }
                    self.mode = Mode::Playing;
                    if let Some((song, frame)) = self.cursor() {
                        self.song = Some(song);
                        if announce {
                            self.emit(CbEvent::Started {
                                song,
                                frame,
                                at_local_us: (h0 + i as f64 * self.frame_us).round() as i64,
                            });
                        }
                    }
                }
                Mode::Playing => {
                    match self.front() {
                        Front::Data => {}
                        Front::Changed => continue,
                        Front::Empty => {
                            counts.underrun += (n - i) as u64;
                            self.mode = Mode::Waiting {
                                at_us: Some(h0 + i as f64 * self.frame_us),
                                announce: false,
                            };
                            break;
                        }
                    }
                    let Some(chunk) = self.cur.as_ref() else {
                        break;
                    };
                    let (song, frame, end) = (chunk.song, chunk.first_frame, chunk.end);
                    if let Some(reason) = end {
                        if let Some(spent) = self.cur.take() {
                            self.release(spent);
                        }
                        if let Some(old) = self.song.filter(|s| *s != song) {
                            self.emit(CbEvent::Ended {
                                song: old,
                                reason: EndReason::Finished,
                            });
                        }
                        self.emit(CbEvent::Ended { song, reason });
                        self.song = None;
                        self.mode = Mode::Drained;
                        continue;
                    }
                    let frame = frame + self.offset as u64;
                    if self.song != Some(song) {
                        if let Some(old) = self.song {
                            self.emit(CbEvent::Ended {
                                song: old,
                                reason: EndReason::Finished,
                            });
                        }
                        self.emit(CbEvent::Started {
                            song,
                            frame,
                            at_local_us: (h0 + i as f64 * self.frame_us).round() as i64,
                        });
                        self.song = Some(song);
                    }
                    if anchor.is_none_or(|(s, _, _)| s != song) {
                        anchor = Some(match self.pending {
                            Pending::None => (song, frame, i),
                            Pending::Drop => (song, frame + 1, i),
                            Pending::Dup => (song, frame, i + 1),
                        });
                    }
                    i = self.copy_frames(out, i, n, ppm, (g0, g1), &mut counts);
                }
            }
        }
        self.gain = g1;
        if self.mode == Mode::Playing {
            self.next_due_us = h0 + n as f64 * self.frame_us;
        }
        self.publish(anchor, h0);
        self.account(n, counts, started);
    }

    /// The output changed (the device was lost): its successor has other timestamps and has not
    /// played what the old one had buffered. Re-schedule the cursor's frame for when it was
    /// due, so padding or skipping keeps the song on the timeline.
    pub fn rebase(&mut self) {
        if self.mode == Mode::Playing {
            self.mode = Mode::Waiting {
                at_us: Some(self.next_due_us),
                announce: false,
            };
        }
    }

    /// Applies queued controls; true if there was any.
    fn apply_controls(&mut self) -> bool {
        let mut any = false;
        while let Ok(control) = self.ctrl.pop() {
            any = true;
            match control {
                Control::Flush { generation, start } => {
                    self.generation = generation;
                    if let Some(spent) = self.cur.take() {
                        self.release(spent);
                    }
                    self.song = None;
                    self.pending = Pending::None;
                    self.trim_acc = 0;
                    self.mode = match start {
                        Start::Hold => Mode::Held,
                        Start::At(t) => Mode::Waiting {
                            at_us: Some(t as f64),
                            announce: true,
                        },
                        Start::Asap => Mode::Waiting {
                            at_us: None,
                            announce: true,
                        },
                    };
                }
                Control::Pause => match self.mode {
                    Mode::Playing | Mode::Waiting { .. } => {
                        if let Some((song, frame)) = self.cursor() {
                            self.emit(CbEvent::Paused { song, frame });
                        }
                        self.mode = Mode::Held;
                    }
                    Mode::Held | Mode::Drained => {}
                },
                Control::Resume { at } => {
                    if self.mode == Mode::Held {
                        self.mode = Mode::Waiting {
                            at_us: at.map(|t| t as f64),
                            announce: true,
                        };
                    }
                }
            }
        }
        any
    }

    /// Returns the chunks of older generations at the front of the ring to the pool (even while
    /// held, so a seek while paused refills the pool and shows its position at once).
    fn drop_stale(&mut self) {
        while let Ok(generation) = self.chunks.peek().map(|c| c.generation) {
            if generation >= self.generation {
                break;
            }
            match self.chunks.pop() {
                Ok(c) => self.release(c),
                Err(_) => break,
            }
        }
    }

    /// Makes `cur` the chunk to play from, dropping spent and stale chunks.
    fn front(&mut self) -> Front {
        loop {
            if let Some(c) = &self.cur {
                if c.end.is_some() || self.offset < c.frames {
                    return Front::Data;
                }
                if let Some(spent) = self.cur.take() {
                    self.release(spent);
                }
            }
            let generation = match self.chunks.peek() {
                Ok(c) => c.generation,
                Err(_) => return Front::Empty,
            };
            if generation > self.generation {
                // Its Flush was pushed before it: it is visible now.
                return if self.apply_controls() {
                    Front::Changed
                } else {
                    Front::Empty
                };
            }
            match self.chunks.pop() {
                Ok(c) if generation < self.generation => self.release(c),
                Ok(c) => {
                    self.cur = Some(c);
                    self.offset = 0;
                }
                Err(_) => return Front::Empty,
            }
        }
    }

    /// Skips up to `frames` frames of the current song; returns (skipped, mode changed).
    fn skip(&mut self, frames: u64) -> (u64, bool) {
        let mut skipped = 0u64;
        let song = self.cursor().map(|(s, _)| s);
        while skipped < frames {
            match self.front() {
                Front::Data => {}
                Front::Empty => break,
                Front::Changed => return (skipped, true),
            }
            let Some(c) = &self.cur else { break };
            if c.end.is_some() || Some(c.song) != song {
                break;
            }
            let avail = (c.frames - self.offset) as u64;
            let take = avail.min(frames - skipped);
            self.offset += take as usize;
            skipped += take;
        }
        (skipped, false)
    }

    /// The next frame to play: (song, source frame), if any is queued.
    fn cursor(&mut self) -> Option<(SongId, u64)> {
        if let Some(c) = &self.cur {
            if c.end.is_none() && self.offset < c.frames {
                return Some((c.song, c.first_frame + self.offset as u64));
            }
            if c.end.is_some() {
                return None;
            }
        }
        match self.chunks.peek() {
            Ok(c) if c.generation == self.generation && c.end.is_none() => {
                Some((c.song, c.first_frame))
            }
            _ => None,
        }
    }

    /// Copies frames of `cur` into `out` from index `i`, applying gain and trim; returns the
    /// next index.
    fn copy_frames(
        &mut self,
        out: &mut [f32],
        mut i: usize,
        n: usize,
        ppm: i32,
        (g0, g1): (f32, f32),
        counts: &mut Counts,
    ) -> usize {
        let Some(chunk) = self.cur.take() else {
            return i;
        };
        let ch = self.channels;
        let step = u64::from(ppm.unsigned_abs());
        let inv_n = 1.0 / n as f32;
        let dg = g1 - g0;
        while i < n {
            let g = g0 + dg * (i as f32 * inv_n);
            match self.pending {
                Pending::Dup => {
                    for (o, s) in out[i * ch..(i + 1) * ch]
                        .iter_mut()
                        .zip(self.last_frame.iter())
                    {
                        *o = s * g;
                    }
                    i += 1;
                    self.pending = Pending::None;
                    counts.inserted += 1;
                    continue;
                }
                Pending::Drop => {
                    if self.offset >= chunk.frames {
                        break;
                    }
                    self.offset += 1;
                    self.pending = Pending::None;
                    counts.dropped += 1;
                    continue;
                }
                Pending::None => {}
            }
            if self.offset >= chunk.frames {
                break;
            }
            let src = &chunk.data[self.offset * ch..(self.offset + 1) * ch];
            for (o, s) in out[i * ch..(i + 1) * ch].iter_mut().zip(src) {
                *o = s * g;
            }
            self.last_frame.copy_from_slice(src);
            self.offset += 1;
            i += 1;
            if step > 0 {
                self.trim_acc += step;
                if self.trim_acc >= 1_000_000 {
                    self.trim_acc -= 1_000_000;
                    self.pending = if ppm > 0 { Pending::Drop } else { Pending::Dup };
                }
            }
        }
        self.cur = Some(chunk);
        i
    }

    fn publish(&mut self, anchor: Option<(SongId, u64, usize)>, h0: f64) {
        if let Some((song, frame, index)) = anchor {
            let at = (h0 + index as f64 * self.frame_us).round() as i64;
            self.shared.publish(song, frame, at, true);
            return;
        }
        match self.mode {
            Mode::Drained => self.shared.publish_none(),
            Mode::Held | Mode::Waiting { .. } | Mode::Playing => match self.cursor() {
                Some((song, frame)) => self.shared.publish(song, frame, h0.round() as i64, false),
                None => self.shared.publish_none(),
            },
        }
    }

    fn account(&self, n: usize, counts: Counts, started: Instant) {
        let s = &self.shared;
        s.callbacks.fetch_add(1, Ordering::Relaxed);
        s.frames_rendered.fetch_add(n as u64, Ordering::Relaxed);
        if counts.underrun > 0 {
            s.underrun_frames
                .fetch_add(counts.underrun, Ordering::Relaxed);
        }
        if counts.inserted > 0 {
            s.frames_inserted
                .fetch_add(counts.inserted, Ordering::Relaxed);
        }
        if counts.dropped > 0 {
            s.frames_dropped
                .fetch_add(counts.dropped, Ordering::Relaxed);
        }
        if counts.late_skipped > 0 {
            s.late_start_frames_skipped
                .fetch_add(counts.late_skipped, Ordering::Relaxed);
        }
        let ns = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        s.render_ns_total.fetch_add(ns, Ordering::Relaxed);
        s.render_ns_max.fetch_max(ns, Ordering::Relaxed);
    }

    fn release(&mut self, chunk: Box<Chunk>) {
        // The free ring holds the whole pool, so this never fails (and never drops, which
        // would free memory here).
        if let Err(rtrb::PushError::Full(chunk)) = self.free.push(chunk) {
            std::mem::forget(chunk);
        }
    }

    fn emit(&mut self, event: CbEvent) {
        if self.events.push(event).is_err() {
            self.shared.events_dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    underrun: u64,
    inserted: u64,
    dropped: u64,
    late_skipped: u64,
}
