//! YouTube's starts and seeks land late (buffering): the player measures by how much on the
//! first playing report after each, and asks for that much further ahead next time, so a seek
//! lands where the room is by the time it completes.

mod youtube_common;

use desktop_core::view::{YoutubeCommand, YoutubeReport};
use listener::Player;
use youtube_common::{Rig, position, song};

#[test]
fn youtube_seeks_learn_their_lag() {
    let mut rig = Rig::new();
    rig.reports.report(YoutubeReport::Ready);
    rig.player.load(7, Some(&song("dQw4w9WgXcQ")));
    rig.player.start_at(1_000_000, 10_000_000);
    rig.take();
    // It plays from 150 ms after it was told to: the report at 1.5 s says 10.35 s.
    rig.clock.set(1_500_000);
    rig.reports.report(position(10.35, 1));
    rig.player.observe();
    assert_eq!(rig.player.lead_us(), 150_000);
    // The next seek asks for 150 ms further on than the room's position.
    rig.player.seek(1_600_000, 40_000_000);
    assert_eq!(rig.take(), vec![YoutubeCommand::Seek { position_s: 40.15 }]);
    // It landed right: the lead holds.
    rig.clock.set(2_100_000);
    rig.reports.report(position(40.5, 1));
    rig.player.observe();
    assert_eq!(rig.player.lead_us(), 150_000);
    assert_eq!(rig.player.rendered_position(2_100_000), Some(40_500_000));
    // A seek while paused lands exactly (nothing plays while it buffers).
    rig.player.pause(2_200_000);
    rig.player.seek(2_200_000, 60_000_000);
    assert_eq!(
        rig.take(),
        vec![
            YoutubeCommand::Pause,
            YoutubeCommand::Seek { position_s: 60.0 }
        ]
    );
    // A lag too large to be buffering (an ad, a stall) is not learned.
    rig.player.start_at(2_300_000, 60_000_000);
    rig.clock.set(2_400_000);
    rig.reports.report(position(50.0, 1));
    rig.player.observe();
    assert_eq!(rig.player.lead_us(), 150_000);
}
