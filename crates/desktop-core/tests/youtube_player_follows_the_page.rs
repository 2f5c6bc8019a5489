//! The YouTube player as the follower sees it: commands go to the page with delays instead of
//! instants; the position read back is the page's report extrapolated while it plays, and what
//! it was told while a (slow) seek buffers, so a slow seek is never answered with another.

mod youtube_common;

use desktop_core::view::{YoutubeCommand, YoutubeReport};
use listener::Player;
use youtube_common::{Rig, position, song};

#[test]
fn youtube_player_follows_the_page() {
    let mut rig = Rig::new();

    // Not ready until the page says its API is loaded.
    assert!(!rig.player.load(7, Some(&song("dQw4w9WgXcQ"))));
    assert_eq!(
        rig.take(),
        vec![YoutubeCommand::Load {
            video_id: "dQw4w9WgXcQ".into(),
            position_s: 0.0
        }]
    );
    rig.reports.report(YoutubeReport::Ready);
    assert!(rig.player.load(7, Some(&song("dQw4w9WgXcQ"))));
    assert!(
        rig.take().is_empty(),
        "loading the loaded song again sent a command"
    );

    // A start 250 ms from now at 10 s.
    rig.player.start_at(1_250_000, 10_000_000);
    assert_eq!(
        rig.take(),
        vec![YoutubeCommand::Play {
            position_s: 10.0,
            in_ms: 250.0
        }]
    );
    // Before any fresh report: what it was told.
    rig.clock.set(1_500_000);
    assert_eq!(rig.player.rendered_position(1_500_000), Some(10_250_000));

    // The page plays, 30 ms behind: the report, extrapolated, is what counts.
    rig.reports.report(position(10.22, 1));
    rig.clock.set(1_600_000);
    assert_eq!(rig.player.rendered_position(1_600_000), Some(10_320_000));

    // A seek: while the page buffers, the position is the seek target moving on, not the
    // stale playing report.
    rig.player.seek(1_600_000, 60_000_000);
    assert_eq!(rig.take(), vec![YoutubeCommand::Seek { position_s: 60.0 }]);
    rig.clock.set(1_700_000);
    rig.reports.report(position(10.3, 3));
    rig.clock.set(1_800_000);
    assert_eq!(rig.player.rendered_position(1_800_000), Some(60_200_000));

    // Rate trims are sent once per change.
    rig.player.set_rate_ppm(1_800_000, 20_000);
    rig.player.set_rate_ppm(1_810_000, 20_000);
    assert_eq!(rig.take(), vec![YoutubeCommand::Rate { rate: 1.02 }]);

    // The end is seen once; hostile reports are ignored.
    rig.reports.report(YoutubeReport::Position {
        video_id: "x".repeat(500),
        position_s: f64::NAN,
        state: 1,
        rate: 1.0,
    });
    rig.reports.report(position(200.0, 0));
    assert!(rig.player.take_ended());
    assert!(!rig.player.take_ended());
    rig.reports.report(YoutubeReport::Error { code: 150 });
    assert_eq!(rig.player.take_error(), Some(150));

    rig.player.stop();
    assert_eq!(rig.take().last(), Some(&YoutubeCommand::Stop));
    assert_eq!(rig.player.loaded(), None);
}
