//! The engine's actor: owns the sources and the output, decodes ahead of the callback.
//!
//! One OS thread ("tandem-audio") runs [`Actor::run`]: it waits for a command (at most a few
//! ms), applies it, relays the callback's events, and tops up the chunk ring. Reading a source
//! may block on I/O; that is fine here, never in the callback.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use rtrb::{Consumer, Producer, RingBuffer};

use super::chunk::{CHUNK_FRAMES, CbEvent, Chunk, Control, POOL_CHUNKS, Start};
use super::render::Renderer;
use super::shared::{Shared, frames_to_us};
use super::{Command, EndReason, EngineError, Event, LocalClock, MAX_TRIM_PPM, Position, SongId};
use crate::output::{NullOutput, Output, OutputError, OutputFormat, RenderFn, StartContext};
use crate::source::FrameSource;

/// Everything the actor's channel carries: the public commands and the handle's requests.
pub(crate) enum Msg {
    Command(Command),
    /// Reply once every earlier message is applied, the ring topped up, events relayed.
    Sync(Sender<()>),
    /// Open the output if needed and reply with its format.
    Format(Sender<Result<OutputFormat, EngineError>>),
    /// The output's device went away.
    OutputLost(OutputError),
    Shutdown,
}

struct Track {
    id: SongId,
    source: Box<dyn FrameSource>,
    channels: usize,
    /// Source frame the next read returns.
    next_frame: u64,
    /// A read or seek failed: the song cannot go on.
    failed: bool,
}

/// The actor's ends of the rings to the callback.
struct Pipes {
    format: OutputFormat,
    filled: Producer<Box<Chunk>>,
    free: Consumer<Box<Chunk>>,
    ctrl: Producer<Control>,
    events: Consumer<CbEvent>,
    /// Empty chunks owned by the actor (capacity: the whole pool, never grows). Boxed because
    /// they travel through the rings as boxes: moving a pointer, never the samples.
    #[allow(clippy::vec_box)]
    stash: Vec<Box<Chunk>>,
    /// Controls that did not fit in the ring (the callback is not running); sent in order.
    pending_ctrl: VecDeque<Control>,
    renderer: Arc<Mutex<Renderer>>,
}

pub(crate) struct Actor {
    rx: Receiver<Msg>,
    tx: Sender<Msg>,
    events: Sender<Event>,
    clock: Arc<dyn LocalClock>,
    shared: Arc<Shared>,
    output: Box<dyn Output>,
    pipes: Option<Pipes>,
    /// Up to one finished track (still audible), the one being decoded, and the queued one.
    tracks: VecDeque<Track>,
    decode_idx: usize,
    generation: u64,
    /// The end marker of the current generation is queued: nothing more to decode.
    decode_done: bool,
    /// Intent: playing (or scheduled) rather than paused/stopped/just loaded.
    playing: bool,
    /// The queue holds the start of this song at this frame, held (not yet consumed).
    held_at: Option<(SongId, u64)>,
    scratch: Vec<f32>,
}

impl Actor {
    pub fn new(
        rx: Receiver<Msg>,
        tx: Sender<Msg>,
        events: Sender<Event>,
        clock: Arc<dyn LocalClock>,
        shared: Arc<Shared>,
        output: Box<dyn Output>,
    ) -> Self {
        Self {
            rx,
            tx,
            events,
            clock,
            shared,
            output,
            pipes: None,
            tracks: VecDeque::with_capacity(4),
            decode_idx: 0,
            generation: 0,
            decode_done: true,
            playing: false,
            held_at: None,
            scratch: Vec::new(),
        }
    }

    pub fn run(mut self) {
        loop {
            let timeout = if self.decode_done {
                Duration::from_millis(20)
            } else {
                Duration::from_millis(5)
            };
            match self.rx.recv_timeout(timeout) {
                Ok(Msg::Shutdown) | Err(RecvTimeoutError::Disconnected) => break,
                Ok(msg) => self.handle(msg),
                Err(RecvTimeoutError::Timeout) => {}
            }
            // Apply every message already waiting before decoding (a burst of commands).
            while let Ok(msg) = self.rx.try_recv() {
                if matches!(msg, Msg::Shutdown) {
                    self.output.stop();
                    return;
                }
                self.handle(msg);
            }
            self.flush_controls();
            self.fill();
            self.relay_events();
        }
        self.output.stop();
    }

    fn handle(&mut self, msg: Msg) {
        match msg {
            Msg::Command(cmd) => self.command(cmd),
            Msg::Sync(reply) => {
                self.flush_controls();
                self.fill();
                self.relay_events();
                let _ = reply.send(());
            }
            Msg::Format(reply) => {
                let _ = reply.send(self.ensure_output());
            }
            Msg::OutputLost(error) => self.output_lost(error),
            Msg::Shutdown => {}
        }
    }

    fn command(&mut self, cmd: Command) {
        match cmd {
            Command::Load { id, source } => self.load(id, source),
            Command::QueueNext { id, source } => self.queue_next(id, source),
            Command::PlayAt {
                id,
                position,
                at_local_us,
            } => self.play_at(id, position, at_local_us),
            Command::Jump {
                position,
                at_local_us,
            } => match self.audible_id() {
                Some(id) => self.play_at(id, position, at_local_us),
                None => self.error(None, EngineError::NothingLoaded),
            },
            Command::Pause => {
                self.playing = false;
                self.send_control(Control::Pause);
            }
            Command::Resume { at_local_us } => {
                if self.pipes.is_some() && !self.tracks.is_empty() {
                    self.playing = true;
                    self.held_at = None;
                    self.send_control(Control::Resume { at: at_local_us });
                }
            }
            Command::Seek { position } => self.seek(position),
            Command::Stop => {
                self.tracks.clear();
                self.decode_idx = 0;
                self.playing = false;
                self.held_at = None;
                if self.pipes.is_some() {
                    self.new_generation(Start::Hold);
                }
                self.decode_done = true;
                self.emit(Event::Stopped);
            }
            Command::SetVolume { volume } => {
                let v = if volume.is_finite() {
                    volume.clamp(0.0, 4.0)
                } else {
                    0.0
                };
                self.shared
                    .volume_bits
                    .store(v.to_bits(), Ordering::Relaxed);
            }
            Command::SetRateTrim { ppm } => {
                self.shared
                    .trim_ppm
                    .store(ppm.clamp(-MAX_TRIM_PPM, MAX_TRIM_PPM), Ordering::Relaxed);
            }
        }
    }

    fn load(&mut self, id: SongId, source: Box<dyn FrameSource>) {
        let format = match self.ensure_output() {
            Ok(f) => f,
            Err(e) => return self.error(Some(id), e),
        };
        if let Err(e) = check_format(id, source.as_ref(), format) {
            return self.error(Some(id), e);
        }
        let total_frames = source.total_frames();
        self.tracks.clear();
        self.tracks.push_back(Track::new(id, source));
        self.decode_idx = 0;
        self.playing = false;
        self.new_generation(Start::Hold);
        self.held_at = Some((id, 0));
        self.emit(Event::Loaded { id, total_frames });
    }

    fn queue_next(&mut self, id: SongId, source: Box<dyn FrameSource>) {
        if self.tracks.is_empty() {
            return self.load(id, source);
        }
        let Some(format) = self.pipes.as_ref().map(|p| p.format) else {
            return self.load(id, source);
        };
        if let Err(e) = check_format(id, source.as_ref(), format) {
            return self.error(Some(id), e);
        }
        self.tracks.truncate(self.decode_idx + 1);
        self.tracks.push_back(Track::new(id, source));
        if self.decode_done && self.tracks.get(self.decode_idx).is_some_and(|t| !t.failed) {
            // The current song's end marker is already queued: the next one follows it at once
            // (gapless only if the callback has not reached the marker yet).
            self.decode_idx += 1;
            self.decode_done = false;
        }
        self.emit(Event::Queued { id });
    }

    fn play_at(&mut self, id: SongId, position: Position, at_local_us: i64) {
        let Some(format) = self.pipes.as_ref().map(|p| p.format) else {
            return self.error(Some(id), EngineError::NotLoaded { id });
        };
        let Some(idx) = self.tracks.iter().position(|t| t.id == id) else {
            return self.error(Some(id), EngineError::NotLoaded { id });
        };
        let rate = format.sample_rate;
        let mut frame = position.to_frames(rate);
        let mut at = at_local_us;
        match position {
            // "At `at` the song is at -2 s": its first frame is heard 2 s later.
            Position::Us(us) if us < 0 => at = at.saturating_add(us.saturating_neg()),
            _ => {}
        }
        // Already late by more than the queue can absorb: start where the timeline is now.
        let now = self.clock.now_us();
        if at < now {
            frame = frame.saturating_add(Position::Us(now - at).to_frames(rate));
            at = now;
        }
        self.playing = true;
        if self.held_at == Some((id, frame)) && self.decode_idx == idx {
            self.held_at = None;
            self.send_control(Control::Resume { at: Some(at) });
            return;
        }
        self.held_at = None;
        self.decode_idx = idx;
        self.seek_track(frame);
        self.new_generation(Start::At(at));
    }

    fn seek(&mut self, position: Position) {
        let Some(format) = self.pipes.as_ref().map(|p| p.format) else {
            return self.error(None, EngineError::NothingLoaded);
        };
        let Some(id) = self.audible_id() else {
            return self.error(None, EngineError::NothingLoaded);
        };
        let Some(idx) = self.tracks.iter().position(|t| t.id == id) else {
            return self.error(Some(id), EngineError::NotLoaded { id });
        };
        let frame = position.to_frames(format.sample_rate);
        self.decode_idx = idx;
        self.seek_track(frame);
        if self.playing {
            self.held_at = None;
            self.new_generation(Start::Asap);
        } else {
            self.held_at = Some((id, frame));
            self.new_generation(Start::Hold);
        }
    }

    /// The song being heard (or held), else the one being decoded.
    fn audible_id(&self) -> Option<SongId> {
        let heard = self
            .shared
            .heard_position()
            .map(|hp| hp.id)
            .filter(|id| self.tracks.iter().any(|t| t.id == *id));
        heard.or_else(|| self.tracks.get(self.decode_idx).map(|t| t.id))
    }

    /// Positions the decode track at `frame`; a failure is reported and ends the song.
    fn seek_track(&mut self, frame: u64) {
        let Some(track) = self.tracks.get_mut(self.decode_idx) else {
            return;
        };
        let id = track.id;
        let result = catch_unwind(AssertUnwindSafe(|| track.source.seek(frame)));
        match result {
            Ok(Ok(())) => {
                track.next_frame = frame;
                track.failed = false;
            }
            Ok(Err(e)) => {
                track.failed = true;
                self.error(Some(id), EngineError::decode(id, &e));
            }
            Err(_) => {
                track.failed = true;
                self.error(Some(id), EngineError::SourcePanicked { id });
            }
        }
    }

    /// Starts a new generation: the callback drops all queued audio and starts as told.
    fn new_generation(&mut self, start: Start) {
        self.generation += 1;
        self.decode_done = self.tracks.get(self.decode_idx).is_none();
        self.send_control(Control::Flush {
            generation: self.generation,
            start,
        });
    }

    fn send_control(&mut self, control: Control) {
        if let Some(p) = self.pipes.as_mut() {
            p.pending_ctrl.push_back(control);
        }
        self.flush_controls();
    }

    fn flush_controls(&mut self) {
        let Some(p) = self.pipes.as_mut() else { return };
        while let Some(c) = p.pending_ctrl.front().copied() {
            if p.ctrl.push(c).is_err() {
                break;
            }
            p.pending_ctrl.pop_front();
        }
    }

    /// Decodes into free chunks until the pool is full or the songs end.
    fn fill(&mut self) {
        let Some(p) = self.pipes.as_mut() else { return };
        while let Ok(c) = p.free.pop() {
            p.stash.push(c);
        }
        let out_ch = usize::from(p.format.channels).max(1);
        loop {
            if self.decode_done {
                break;
            }
            let Some(p) = self.pipes.as_mut() else { return };
            if !p.pending_ctrl.is_empty() {
                // The Flush for this generation is not in the ring yet: chunks would overtake it
                // harmlessly, but there is no point filling a ring nobody reads.
                break;
            }
            let Some(mut chunk) = p.stash.pop() else {
                break;
            };
            let Some(track) = self.tracks.get_mut(self.decode_idx) else {
                p.stash.push(chunk);
                self.decode_done = true;
                break;
            };
            chunk.generation = self.generation;
            chunk.song = track.id;
            chunk.first_frame = track.next_frame;
            chunk.frames = 0;
            chunk.end = None;
            if track.failed {
                chunk.end = Some(EndReason::Failed);
                push_chunk(p, chunk);
                self.decode_done = true;
                break;
            }
            let outcome = read_chunk(track, &mut chunk, out_ch, &mut self.scratch);
            let id = track.id;
            match outcome {
                ReadOutcome::Frames => push_chunk(p, chunk),
                ReadOutcome::End => {
                    if chunk.frames > 0 {
                        push_chunk(p, chunk);
                    } else {
                        p.stash.push(chunk);
                    }
                    if self.advance_gapless() {
                        continue;
                    }
                    let Some(p) = self.pipes.as_mut() else { return };
                    if let Some(mut marker) = p.stash.pop() {
                        marker.generation = self.generation;
                        marker.song = id;
                        marker.frames = 0;
                        marker.end = Some(EndReason::Finished);
                        push_chunk(p, marker);
                        self.decode_done = true;
                    }
                    break;
                }
                ReadOutcome::Failed(error) => {
                    if chunk.frames > 0 {
                        push_chunk(p, chunk);
                    } else {
                        p.stash.push(chunk);
                    }
                    if let Some(t) = self.tracks.get_mut(self.decode_idx) {
                        t.failed = true;
                    }
                    self.error(Some(id), error);
                }
            }
        }
    }

    /// The decode track ended: move to the queued one, if any. Keeps one finished track (it may
    /// still be audible, a PlayAt or Seek can come back to it).
    fn advance_gapless(&mut self) -> bool {
        if self.decode_idx + 1 >= self.tracks.len() {
            return false;
        }
        self.decode_idx += 1;
        while self.decode_idx > 1 {
            self.tracks.pop_front();
            self.decode_idx -= 1;
        }
        if self
            .tracks
            .get(self.decode_idx)
            .is_some_and(|t| t.next_frame != 0)
        {
            self.seek_track(0);
        }
        true
    }

    fn relay_events(&mut self) {
        let Some(p) = self.pipes.as_mut() else { return };
        let rate = p.format.sample_rate;
        let mut out = Vec::new();
        while let Ok(e) = p.events.pop() {
            out.push(match e {
                CbEvent::Started {
                    song,
                    frame,
                    at_local_us,
                } => Event::Started {
                    id: song,
                    position_frames: frame,
                    position_us: frames_to_us(frame, rate),
                    at_local_us,
                },
                CbEvent::Paused { song, frame } => Event::Paused {
                    id: song,
                    position_frames: frame,
                    position_us: frames_to_us(frame, rate),
                },
                CbEvent::Ended { song, reason } => Event::Ended { id: song, reason },
            });
        }
        for e in out {
            self.emit(e);
        }
    }

    /// Opens and starts the output on first need. A missing device is not fatal: the engine
    /// renders into a [`NullOutput`] (real-time paced) and says so with an `Error` event.
    fn ensure_output(&mut self) -> Result<OutputFormat, EngineError> {
        if let Some(p) = &self.pipes {
            return Ok(p.format);
        }
        let format = match self.output.open() {
            Ok(f) if f.sample_rate > 0 && f.channels > 0 => f,
            Ok(f) => {
                let e = OutputError::Backend(format!("unusable output format {f:?}"));
                self.fall_back(e, OutputFormat::DEFAULT);
                OutputFormat::DEFAULT
            }
            Err(e) => {
                self.fall_back(e, OutputFormat::DEFAULT);
                OutputFormat::DEFAULT
            }
        };
        let renderer = self.build_pipes(format);
        if let Err(e) = self.start_output(&renderer) {
            self.fall_back(e, format);
            if let Err(e) = self.start_output(&renderer) {
                return Err(EngineError::Output(e));
            }
        }
        self.emit(Event::OutputReady {
            name: self.output.name(),
            format,
            latency_us: self.output.latency_us(),
        });
        Ok(format)
    }

    /// Replaces the output with a null one of `format` and reports why.
    fn fall_back(&mut self, error: OutputError, format: OutputFormat) {
        self.output.stop();
        self.output = Box::new(NullOutput::new(format));
        self.error(None, EngineError::Output(error));
    }

    fn build_pipes(&mut self, format: OutputFormat) -> Arc<Mutex<Renderer>> {
        let channels = usize::from(format.channels).max(1);
        let (filled_tx, filled_rx) = RingBuffer::<Box<Chunk>>::new(POOL_CHUNKS);
        let (free_tx, free_rx) = RingBuffer::<Box<Chunk>>::new(POOL_CHUNKS);
        let (ctrl_tx, ctrl_rx) = RingBuffer::<Control>::new(64);
        let (ev_tx, ev_rx) = RingBuffer::<CbEvent>::new(256);
        let stash = (0..POOL_CHUNKS)
            .map(|_| Box::new(Chunk::new(channels)))
            .collect();
        self.shared
            .rate
            .store(format.sample_rate, Ordering::Relaxed);
        let renderer = Arc::new(Mutex::new(Renderer::new(
            filled_rx,
            free_tx,
            ctrl_rx,
            ev_tx,
            self.shared.clone(),
            channels,
            format.sample_rate,
        )));
        self.scratch = vec![0.0; CHUNK_FRAMES * 8];
        self.pipes = Some(Pipes {
            format,
            filled: filled_tx,
            free: free_rx,
            ctrl: ctrl_tx,
            events: ev_rx,
            stash,
            pending_ctrl: VecDeque::new(),
            renderer: renderer.clone(),
        });
        renderer
    }

    fn start_output(&mut self, renderer: &Arc<Mutex<Renderer>>) -> Result<(), OutputError> {
        let r = renderer.clone();
        let render: RenderFn = Box::new(move |buf, timing| match r.try_lock() {
            // Only the actor ever takes this lock, and only while no output is running.
            Ok(mut renderer) => renderer.render(buf, timing),
            Err(_) => buf.fill(0.0),
        });
        let tx = self.tx.clone();
        let ctx = StartContext {
            clock: self.clock.clone(),
            on_lost: Box::new(move |e| {
                let _ = tx.send(Msg::OutputLost(e));
            }),
        };
        self.output.start(render, ctx)
    }

    /// The device went away mid-play: keep the renderer (queue, cursor, schedule) and go on
    /// rendering into a null output, so the heard position keeps following the room.
    fn output_lost(&mut self, error: OutputError) {
        let Some(p) = &self.pipes else { return };
        let (format, renderer) = (p.format, p.renderer.clone());
        self.output.stop();
        // The old output's callback is gone: the lock is free.
        match renderer.lock() {
            Ok(mut r) => r.rebase(),
            Err(poisoned) => poisoned.into_inner().rebase(),
        }
        self.output = Box::new(NullOutput::new(format));
        self.emit(Event::DeviceLost {
            error: error.clone(),
        });
        if let Err(e) = self.start_output(&renderer) {
            self.error(None, EngineError::Output(e));
        }
    }

    fn emit(&self, event: Event) {
        let _ = self.events.send(event);
    }

    fn error(&self, id: Option<SongId>, error: EngineError) {
        self.emit(Event::Error { id, error });
    }
}

impl Track {
    fn new(id: SongId, source: Box<dyn FrameSource>) -> Self {
        let channels = usize::from(source.channels()).max(1);
        Self {
            id,
            source,
            channels,
            next_frame: 0,
            failed: false,
        }
    }
}

fn check_format(
    id: SongId,
    source: &dyn FrameSource,
    format: OutputFormat,
) -> Result<(), EngineError> {
    if source.sample_rate() != format.sample_rate || source.channels() == 0 {
        return Err(EngineError::FormatMismatch {
            id,
            source_rate: source.sample_rate(),
            source_channels: source.channels(),
            output_rate: format.sample_rate,
        });
    }
    Ok(())
}

fn push_chunk(p: &mut Pipes, chunk: Box<Chunk>) {
    // The filled ring holds the whole pool: it cannot be full while the actor holds a chunk.
    if let Err(rtrb::PushError::Full(chunk)) = p.filled.push(chunk) {
        p.stash.push(chunk);
    }
}

enum ReadOutcome {
    /// The chunk is full.
    Frames,
    /// The source ended (the chunk may hold its last frames).
    End,
    /// The source failed (the chunk may hold frames read before).
    Failed(EngineError),
}

/// Reads up to a chunk of frames from `track`, mapping its channels onto the output's.
fn read_chunk(
    track: &mut Track,
    chunk: &mut Chunk,
    out_ch: usize,
    scratch: &mut Vec<f32>,
) -> ReadOutcome {
    let src_ch = track.channels;
    if scratch.len() < CHUNK_FRAMES * src_ch {
        scratch.resize(CHUNK_FRAMES * src_ch, 0.0);
    }
    while chunk.frames < CHUNK_FRAMES {
        let want = CHUNK_FRAMES - chunk.frames;
        let buf = &mut scratch[..want * src_ch];
        let result = catch_unwind(AssertUnwindSafe(|| track.source.read(buf)));
        let got = match result {
            Ok(Ok(0)) => return ReadOutcome::End,
            Ok(Ok(n)) => n.min(want),
            Ok(Err(e)) => return ReadOutcome::Failed(EngineError::decode(track.id, &e)),
            Err(_) => return ReadOutcome::Failed(EngineError::SourcePanicked { id: track.id }),
        };
        let dst = &mut chunk.data[chunk.frames * out_ch..(chunk.frames + got) * out_ch];
        map_channels(&scratch[..got * src_ch], src_ch, dst, out_ch);
        chunk.frames += got;
        track.next_frame += got as u64;
    }
    ReadOutcome::Frames
}

/// Copies frames from `src_ch` to `out_ch` channels: equal counts are copied, mono goes to the
/// first two outputs, extra source channels are dropped, extra outputs are silent.
fn map_channels(src: &[f32], src_ch: usize, dst: &mut [f32], out_ch: usize) {
    if src_ch == out_ch {
        dst.copy_from_slice(src);
        return;
    }
    for (s, d) in src.chunks_exact(src_ch).zip(dst.chunks_exact_mut(out_ch)) {
        d.fill(0.0);
        if src_ch == 1 {
            for x in d.iter_mut().take(2) {
                *x = s[0];
            }
        } else {
            for (x, y) in d.iter_mut().zip(s) {
                *x = *y;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::map_channels;

    #[test]
    fn mono_goes_to_both_sides_and_surround_keeps_the_front_pair() {
        let mut d = [9.0; 4];
        map_channels(&[0.5, -0.5], 1, &mut d, 2);
        assert_eq!(d, [0.5, 0.5, -0.5, -0.5]);
        let mut d = [9.0; 2];
        map_channels(&[0.1, 0.2, 0.3, 0.4, 0.5, 0.6], 6, &mut d, 2);
        assert_eq!(d, [0.1, 0.2]);
        let mut d = [9.0; 6];
        map_channels(&[0.1, 0.2], 2, &mut d, 6);
        assert_eq!(d, [0.1, 0.2, 0.0, 0.0, 0.0, 0.0]);
    }
}
