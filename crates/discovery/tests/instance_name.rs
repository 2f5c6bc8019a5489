//! Instance names: readable, unique per code, within one DNS label, nothing DNS-SD tools
//! would have to escape or could display wrongly.

use discovery::{MAX_INSTANCE_BYTES, SERVICE_TYPE, instance_name};

#[test]
fn a_plain_name_gets_the_code_in_parentheses() {
    assert_eq!(
        instance_name("Friday jazz", "K7QM2D"),
        "Friday jazz (K7QM2D)"
    );
    assert_eq!(
        instance_name("Émile's café ☕", "AB12"),
        "Émile's café ☕ (AB12)"
    );
}

#[test]
fn dots_backslashes_and_control_characters_become_single_spaces() {
    assert_eq!(
        instance_name("Dr. Dre\\night", "K7QM2D"),
        "Dr Dre night (K7QM2D)"
    );
    assert_eq!(
        instance_name("a\u{0}b\u{7}c\u{1b}[31md", "AB12"),
        "a b c [31md (AB12)"
    );
    assert_eq!(
        instance_name("tab\there\r\nnext", "AB12"),
        "tab here next (AB12)"
    );
    assert_eq!(instance_name("evil\u{202E}txt", "AB12"), "evil txt (AB12)");
    assert_eq!(
        instance_name("  lots   of\u{a0}\u{2003}space  ", "AB12"),
        "lots of space (AB12)"
    );
    assert_eq!(instance_name("...", "AB12"), "Tandem room (AB12)");
    assert_eq!(instance_name("", "AB12"), "Tandem room (AB12)");
}

#[test]
fn the_code_keeps_only_ascii_letters_and_digits() {
    assert_eq!(instance_name("Room", "ab-12 ).x"), "Room (ab12x)");
    assert_eq!(
        instance_name("Room", "ABCDEFGHIJKLMNOP"),
        "Room (ABCDEFGHIJKL)"
    );
    assert_eq!(instance_name("Room", "é)"), "Room");
}

#[test]
fn long_names_are_cut_to_one_dns_label_keeping_the_code() {
    let name = instance_name(&"x".repeat(200), "ABCDEFGHIJKL");
    assert_eq!(name.len(), MAX_INSTANCE_BYTES);
    assert!(name.ends_with("x (ABCDEFGHIJKL)"), "{name}");

    // Multi-byte characters are never split.
    for filler in ["é", "☕", "😀", "👨\u{200D}👩\u{200D}👧"] {
        for extra in 0..4 {
            let room = format!("{}{}", "a".repeat(extra), filler.repeat(40));
            let name = instance_name(&room, "K7QM2D");
            assert!(
                name.len() <= MAX_INSTANCE_BYTES,
                "{name} is {} bytes",
                name.len()
            );
            assert!(name.ends_with(" (K7QM2D)"), "{name}");
            let kept = name.trim_end_matches(" (K7QM2D)");
            assert!(room.starts_with(kept), "{kept:?} is not a prefix");
            assert!(
                !kept.ends_with(' ') && !kept.ends_with('\u{200D}'),
                "{kept:?}"
            );
        }
    }

    // A space at the cut is trimmed, not kept before the code.
    let room = format!("{} tail", "y".repeat(54 - 1));
    let name = instance_name(&room, "K7QM2D");
    assert!(!name.contains("  "), "{name}");
    assert!(name.len() <= MAX_INSTANCE_BYTES);
}

#[test]
fn mdns_sd_takes_it_as_one_label() {
    for room in ["Friday jazz", "Dr. Dre", &"☕".repeat(30)] {
        let instance = instance_name(room, "K7QM2D");
        let info = mdns_sd::ServiceInfo::new(
            SERVICE_TYPE,
            &instance,
            "tandem-k7qm2d.local.",
            (),
            7878,
            None,
        )
        .expect("service info");
        // No escaping was needed: the full name is the instance name and the type.
        assert_eq!(info.get_fullname(), format!("{instance}.{SERVICE_TYPE}"));
    }
}
