//! No sound card, a device that does not exist, or one unplugged mid-song: a clear error (or a
//! `DeviceLost` event), and the engine goes on, silently, on the room's timeline.

use std::sync::Arc;
use std::time::Duration;

use audio_engine::engine::testing::SineSource;
use audio_engine::engine::{
    Engine, EngineError, EngineHandle, Event, LocalClock, MonotonicClock, Position,
};
use audio_engine::output::{NullOutput, Output, OutputError, OutputFormat, RenderFn, StartContext};

/// An output whose device is never there.
struct Missing;

impl Output for Missing {
    fn name(&self) -> String {
        "missing".into()
    }
    fn open(&mut self) -> Result<OutputFormat, OutputError> {
        Err(OutputError::NoDevice("no sound card in this test".into()))
    }
    fn start(&mut self, _render: RenderFn, _ctx: StartContext) -> Result<(), OutputError> {
        Err(OutputError::NoDevice("no sound card in this test".into()))
    }
    fn latency_us(&self) -> Option<i64> {
        None
    }
    fn stop(&mut self) {}
}

/// A real-time output that reports its device lost after `after`.
struct Unplugged {
    inner: NullOutput,
    after: Duration,
}

impl Output for Unplugged {
    fn name(&self) -> String {
        "unplugged-soon".into()
    }
    fn open(&mut self) -> Result<OutputFormat, OutputError> {
        self.inner.open()
    }
    fn start(&mut self, render: RenderFn, ctx: StartContext) -> Result<(), OutputError> {
        self.inner.start(
            render,
            StartContext {
                clock: ctx.clock,
                on_lost: Box::new(|_| {}),
            },
        )?;
        let mut on_lost = ctx.on_lost;
        let after = self.after;
        std::thread::spawn(move || {
            std::thread::sleep(after);
            on_lost(OutputError::Lost("USB DAC unplugged".into()));
        });
        Ok(())
    }
    fn latency_us(&self) -> Option<i64> {
        self.inner.latency_us()
    }
    fn stop(&mut self) {
        self.inner.stop();
    }
}

fn events(engine: &EngineHandle) -> Vec<Event> {
    engine.sync().expect("engine alive");
    engine.events().try_iter().collect()
}

/// Plays a sine for a while and checks the heard position follows the timeline in real time.
fn assert_follows_the_room(engine: &EngineHandle, clock: &MonotonicClock, ms: u64) -> Vec<Event> {
    engine
        .load(1, Box::new(SineSource::new(48_000, 2, 330.0, 0.2, None)))
        .expect("send");
    let start = clock.now_us() + 80_000;
    engine.play_at(1, Position::Frame(0), start).expect("send");
    std::thread::sleep(Duration::from_millis(ms));
    let hp = engine
        .heard_position()
        .expect("a heard position without a device");
    assert!(hp.playing);
    assert!(
        hp.position_us > 100_000,
        "playback moved on ({} µs)",
        hp.position_us
    );
    let err = hp.position_us - (hp.at_local_us - start);
    assert!(err.abs() < 3_000, "{err} µs off the room's timeline");
    events(engine)
}

#[test]
fn an_output_without_a_device_falls_back_to_silence_and_says_so() {
    let clock = MonotonicClock::new();
    let engine = Engine::spawn(Missing, Arc::new(clock)).expect("engine");
    assert_eq!(
        engine.output_format(),
        Ok(OutputFormat::DEFAULT),
        "the fallback's format"
    );
    let evs = assert_follows_the_room(&engine, &clock, 400);
    let message = evs
        .iter()
        .find_map(|e| match e {
            Event::Error {
                id: None,
                error: e @ EngineError::Output(OutputError::NoDevice(_)),
            } => Some(e.to_string()),
            _ => None,
        })
        .expect("an Error event for the missing device");
    assert!(message.starts_with("no audio output device: "), "{message}");
    assert!(
        message.ends_with("; following the room silently"),
        "{message}"
    );
    assert!(
        evs.iter()
            .any(|e| matches!(e, Event::OutputReady { name, .. } if name == "null"))
    );
    assert!(
        evs.iter()
            .any(|e| matches!(e, Event::Started { id: 1, .. }))
    );
}

#[test]
fn a_device_lost_mid_song_keeps_the_song_on_the_timeline() {
    let clock = MonotonicClock::new();
    let output = Unplugged {
        inner: NullOutput::new(OutputFormat::DEFAULT),
        after: Duration::from_millis(300),
    };
    let engine = Engine::spawn(output, Arc::new(clock)).expect("engine");
    let evs = assert_follows_the_room(&engine, &clock, 800);
    assert!(
        evs.iter().any(|e| matches!(e, Event::DeviceLost { error: OutputError::Lost(m) } if m.contains("unplugged"))),
        "{evs:?}"
    );
    // One start only: the song was not restarted by the switch.
    let starts = evs
        .iter()
        .filter(|e| matches!(e, Event::Started { .. }))
        .count();
    assert_eq!(starts, 1, "{evs:?}");
}

#[cfg(feature = "cpal")]
#[test]
fn a_cpal_device_that_does_not_exist_is_a_clear_error_not_a_panic() {
    use audio_engine::output::{CpalConfig, CpalOutput};
    let config = CpalConfig {
        device: Some("tandem-test: no such device".into()),
        ..CpalConfig::default()
    };
    let mut out = CpalOutput::new(config.clone());
    let err = out.open().expect_err("the device does not exist");
    assert!(matches!(err, OutputError::NoDevice(_)), "{err:?}");
    let message = err.to_string();
    assert!(message.starts_with("no audio output device: "), "{message}");
    assert!(message.contains("following the room silently"), "{message}");
    assert_eq!(err.kind(), "no_output_device");

    // And the engine goes on with it.
    let clock = MonotonicClock::new();
    let engine = Engine::spawn(CpalOutput::new(config), Arc::new(clock)).expect("engine");
    let evs = assert_follows_the_room(&engine, &clock, 400);
    assert!(evs.iter().any(|e| matches!(
        e,
        Event::Error {
            error: EngineError::Output(OutputError::NoDevice(_)),
            ..
        }
    )));
}
