//! `docs/protocol.md` is the protocol's contract, so its examples are checked against the code.
//!
//! Every ```` ```json ```` block in the document must sit under `## Client to server` or
//! `## Server to client`, below a `### type-name` heading, and:
//! - client examples decode with [`decode_client`] (and as [`ClientMessage`]) and contain no field
//!   the server would silently ignore;
//! - server examples parse as [`ServerMessage`] and are exactly what the server serialises;
//! - the example's `type` is the heading it is under, and parse → serialise → parse is stable;
//! - every message type of either direction has at least one example;
//! - every error code and playback reason is named in the document.
//!
//! Examples outside the two sections (shared objects, sequences) go in ```` ```jsonc ```` blocks,
//! which are not parsed. The wire names of each enum are read from its serde derive (see
//! [`wire_names_tagged`]), so a new variant cannot be forgotten here or in the document.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::PathBuf;

use room_core::protocol::PlaybackReason;
use room_core::{ClientMessage, ErrorCode, ServerMessage, decode_client};
use serde::Deserialize;
use serde::de::IntoDeserializer;
use serde::de::value::MapDeserializer;
use serde_json::Value;

const CLIENT_SECTION: &str = "Client to server";
const SERVER_SECTION: &str = "Server to client";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Direction {
    Client,
    Server,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Client => "client",
            Direction::Server => "server",
        })
    }
}

/// One ```` ```json ```` block, with where it was found.
#[derive(Debug, Clone)]
struct Example {
    direction: Direction,
    /// The `### ` heading the block is under (backticks removed).
    heading: String,
    /// 1-based line of the opening fence.
    line: usize,
    text: String,
}

/// What the markdown holds: the examples and the `### ` headings of each message section.
#[derive(Debug, Default)]
struct Extracted {
    examples: Vec<Example>,
    headings: Vec<(Direction, String, usize)>,
    problems: Vec<String>,
}

fn doc_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/protocol.md")
}

fn read_doc() -> String {
    let path = doc_path();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn heading_text(rest: &str) -> String {
    rest.trim().trim_matches('`').trim().to_owned()
}

/// Split the markdown into examples, tracking the `##` section and `###` heading of each.
fn extract(doc: &str) -> Extracted {
    let mut out = Extracted::default();
    let mut section: Option<Direction> = None;
    let mut heading: Option<String> = None;
    // (info string, opening line, body)
    let mut fence: Option<(String, usize, String)> = None;
    for (idx, line) in doc.lines().enumerate() {
        let n = idx + 1;
        let trimmed = line.trim_start();
        if let Some((info, start, body)) = fence.as_mut() {
            if trimmed.trim_end() == "```" {
                if info == "json" {
                    match (section, &heading) {
                        (Some(direction), Some(h)) => out.examples.push(Example {
                            direction,
                            heading: h.clone(),
                            line: *start,
                            text: std::mem::take(body),
                        }),
                        (Some(_), None) => out.problems.push(format!(
                            "line {start}: a json example before any `### type-name` heading"
                        )),
                        (None, _) => out.problems.push(format!(
                            "line {start}: a json example outside `## {CLIENT_SECTION}` and \
                             `## {SERVER_SECTION}`; use ```jsonc for examples that are not \
                             messages of one direction"
                        )),
                    }
                }
                fence = None;
            } else {
                body.push_str(line);
                body.push('\n');
            }
            continue;
        }
        if let Some(info) = trimmed.strip_prefix("```") {
            fence = Some((info.trim().to_owned(), n, String::new()));
        } else if let Some(rest) = trimmed.strip_prefix("### ") {
            let h = heading_text(rest);
            if let Some(direction) = section {
                out.headings.push((direction, h.clone(), n));
            }
            heading = Some(h);
        } else if let Some(rest) = trimmed.strip_prefix("## ") {
            section = match heading_text(rest).as_str() {
                CLIENT_SECTION => Some(Direction::Client),
                SERVER_SECTION => Some(Direction::Server),
                _ => None,
            };
            heading = None;
        } else if trimmed.starts_with("# ") {
            section = None;
            heading = None;
        }
    }
    if let Some((_, start, _)) = fence {
        out.problems
            .push(format!("line {start}: a code block that is never closed"));
    }
    out
}

/// A `serde` error that remembers the variant names a derive offers when it meets an unknown one.
#[derive(Debug)]
struct Variants(Vec<&'static str>);

impl fmt::Display for Variants {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "variants {:?}", self.0)
    }
}

impl std::error::Error for Variants {}

impl serde::de::Error for Variants {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Variants(Vec::new())
    }

    fn unknown_variant(_variant: &str, expected: &'static [&'static str]) -> Self {
        Variants(expected.to_vec())
    }
}

const NO_SUCH_NAME: &str = "\u{1}no such name\u{1}";

/// The `type` values an internally tagged (`#[serde(tag = "type")]`) enum accepts, straight from
/// its derive: deserialise `{"type": <nonsense>}` and keep the list serde answers with.
fn wire_names_tagged<T: for<'de> Deserialize<'de>>() -> Vec<&'static str> {
    let map = MapDeserializer::<_, Variants>::new(std::iter::once(("type", NO_SUCH_NAME)));
    match T::deserialize(map) {
        Ok(_) => panic!("a nonsense type was accepted"),
        Err(Variants(names)) => names,
    }
}

/// The wire names of a unit-variant enum (error codes, reasons), straight from its derive.
fn wire_names_unit<T: for<'de> Deserialize<'de>>() -> Vec<&'static str> {
    let de: serde::de::value::StrDeserializer<'_, Variants> = NO_SUCH_NAME.into_deserializer();
    match T::deserialize(de) {
        Ok(_) => panic!("a nonsense variant was accepted"),
        Err(Variants(names)) => names,
    }
}

fn server_types() -> Vec<&'static str> {
    wire_names_tagged::<ServerMessage>()
}

fn client_types() -> Vec<&'static str> {
    wire_names_tagged::<ClientMessage>()
}

/// Where `example` has a key or value that `canonical` (what the parsed message serialises to)
/// lacks or differs on. Keys only in `canonical` (defaults the example left out) are fine.
fn not_contained(example: &Value, canonical: &Value, path: &str, out: &mut Vec<String>) {
    compare(
        example,
        canonical,
        path,
        "is not a field of this message (ignored)",
        out,
    );
}

/// Where the server's serialisation has a key that `example` lacks.
fn missing_from(example: &Value, canonical: &Value, path: &str, out: &mut Vec<String>) {
    let mut found = Vec::new();
    compare(
        canonical,
        example,
        path,
        "is sent by the server but missing from the example",
        &mut found,
    );
    // Value differences were already reported the other way round.
    out.extend(
        found
            .into_iter()
            .filter(|f| f.contains("missing from the example")),
    );
}

/// Walk `example` and report each key that `canonical` lacks (as `absent` says) and each value
/// that differs.
fn compare(example: &Value, canonical: &Value, path: &str, absent: &str, out: &mut Vec<String>) {
    match (example, canonical) {
        (Value::Object(e), Value::Object(c)) => {
            for (k, v) in e {
                let p = format!("{path}.{k}");
                match c.get(k) {
                    Some(cv) => compare(v, cv, &p, absent, out),
                    None => out.push(format!("{p} {absent}")),
                }
            }
        }
        (Value::Array(e), Value::Array(c)) if e.len() == c.len() => {
            for (i, (ev, cv)) in e.iter().zip(c).enumerate() {
                compare(ev, cv, &format!("{path}[{i}]"), absent, out);
            }
        }
        _ if example == canonical => {}
        _ => out.push(format!(
            "{path} is {example} in the example but {canonical} once parsed"
        )),
    }
}

fn type_field(value: &Value) -> Option<&str> {
    value.get("type").and_then(Value::as_str)
}

fn check_client(ex: &Example, problems: &mut Vec<String>) {
    let at = format!("line {} (client `{}`)", ex.line, ex.heading);
    let decoded = match decode_client(&ex.text) {
        Ok(m) => m,
        Err((e, _)) => {
            problems.push(format!(
                "{at}: decode_client refuses it: {:?}: {}",
                e.code, e.message
            ));
            return;
        }
    };
    match serde_json::from_str::<ClientMessage>(&ex.text) {
        Ok(m) if m == decoded => {}
        Ok(m) => problems.push(format!(
            "{at}: serde and decode_client disagree: {m:?} vs {decoded:?}"
        )),
        Err(e) => problems.push(format!("{at}: not a ClientMessage: {e}")),
    }
    if decoded.kind() != ex.heading {
        problems.push(format!(
            "{at}: decodes as `{}`, not the heading's type",
            decoded.kind()
        ));
    }
    let value: Value = match serde_json::from_str(&ex.text) {
        Ok(v) => v,
        Err(e) => {
            problems.push(format!("{at}: not JSON: {e}"));
            return;
        }
    };
    if type_field(&value) != Some(ex.heading.as_str()) {
        problems.push(format!(
            "{at}: its \"type\" is {:?}, not the heading",
            value.get("type")
        ));
    }
    let text = match serde_json::to_string(&decoded) {
        Ok(t) => t,
        Err(e) => {
            problems.push(format!("{at}: does not serialise: {e}"));
            return;
        }
    };
    match decode_client(&text) {
        Ok(again) if again == decoded => {}
        Ok(again) => problems.push(format!(
            "{at}: round trip changed it: {decoded:?} became {again:?}"
        )),
        Err((e, _)) => problems.push(format!(
            "{at}: its own serialisation {text} does not decode: {}",
            e.message
        )),
    }
    match serde_json::to_value(&decoded) {
        Ok(canonical) => {
            let mut diffs = Vec::new();
            not_contained(&value, &canonical, "$", &mut diffs);
            problems.extend(diffs.into_iter().map(|d| format!("{at}: {d}")));
        }
        Err(e) => problems.push(format!("{at}: does not serialise to a value: {e}")),
    }
}

fn check_server(ex: &Example, problems: &mut Vec<String>) {
    let at = format!("line {} (server `{}`)", ex.line, ex.heading);
    let parsed = match serde_json::from_str::<ServerMessage>(&ex.text) {
        Ok(m) => m,
        Err(e) => {
            problems.push(format!("{at}: not a ServerMessage: {e}"));
            return;
        }
    };
    let value: Value = match serde_json::from_str(&ex.text) {
        Ok(v) => v,
        Err(e) => {
            problems.push(format!("{at}: not JSON: {e}"));
            return;
        }
    };
    if type_field(&value) != Some(ex.heading.as_str()) {
        problems.push(format!(
            "{at}: its \"type\" is {:?}, not the heading",
            value.get("type")
        ));
    }
    let canonical = match serde_json::to_value(&parsed) {
        Ok(v) => v,
        Err(e) => {
            problems.push(format!("{at}: does not serialise: {e}"));
            return;
        }
    };
    if type_field(&canonical) != Some(ex.heading.as_str()) {
        problems.push(format!(
            "{at}: serialises with \"type\" {:?}, not the heading",
            canonical.get("type")
        ));
    }
    // The server's own serialisation, field for field: nothing missing, nothing extra.
    if canonical != value {
        let mut diffs = Vec::new();
        not_contained(&value, &canonical, "$", &mut diffs);
        missing_from(&value, &canonical, "$", &mut diffs);
        problems.push(format!(
            "{at}: differs from what the server sends ({}); the server sends {canonical}",
            diffs.join("; ")
        ));
    }
    match serde_json::to_string(&canonical).map(|t| serde_json::from_str::<ServerMessage>(&t)) {
        Ok(Ok(again)) if again == parsed => {}
        Ok(Ok(again)) => problems.push(format!(
            "{at}: round trip changed it: {parsed:?} became {again:?}"
        )),
        Ok(Err(e)) => problems.push(format!("{at}: its serialisation does not parse: {e}")),
        Err(e) => problems.push(format!("{at}: does not serialise: {e}")),
    }
}

/// Everything wrong with `doc`, one line per problem.
fn check_doc(doc: &str) -> Vec<String> {
    let Extracted {
        examples,
        headings,
        mut problems,
    } = extract(doc);

    for ex in &examples {
        match ex.direction {
            Direction::Client => check_client(ex, &mut problems),
            Direction::Server => check_server(ex, &mut problems),
        }
    }

    let mut documented: BTreeMap<Direction, BTreeSet<&str>> = BTreeMap::new();
    for ex in &examples {
        documented
            .entry(ex.direction)
            .or_default()
            .insert(ex.heading.as_str());
    }
    for (direction, types) in [
        (Direction::Client, client_types()),
        (Direction::Server, server_types()),
    ] {
        let have = documented.get(&direction).cloned().unwrap_or_default();
        for ty in &types {
            if !have.contains(ty) {
                problems.push(format!(
                    "{direction} message `{ty}` has no ```json example under `### {ty}`"
                ));
            }
        }
        for (d, h, line) in &headings {
            if *d == direction && !types.contains(&h.as_str()) {
                problems.push(format!(
                    "line {line}: `### {h}` is not a {direction} message type"
                ));
            } else if *d == direction && !have.contains(h.as_str()) {
                problems.push(format!("line {line}: `### {h}` has no ```json example"));
            }
        }
    }

    for code in wire_names_unit::<ErrorCode>() {
        if !doc.contains(&format!("`{code}`")) {
            problems.push(format!("error code `{code}` is not documented"));
        }
    }
    for reason in wire_names_unit::<PlaybackReason>() {
        if !doc.contains(&format!("`{reason}`")) {
            problems.push(format!("playback reason `{reason}` is not documented"));
        }
    }
    problems
}

#[test]
fn protocol_doc_examples_are_valid_and_complete() {
    let problems = check_doc(&read_doc());
    assert!(
        problems.is_empty(),
        "{} problem(s) in {}:\n- {}",
        problems.len(),
        doc_path().display(),
        problems.join("\n- ")
    );
}

#[test]
fn the_client_type_list_matches_the_enum() {
    // `decode_client` answers `unknown-type` for anything not in `TYPES`, so a variant missing
    // there could never be received.
    let derived: BTreeSet<&str> = client_types().into_iter().collect();
    let listed: BTreeSet<&str> = ClientMessage::TYPES.iter().copied().collect();
    assert_eq!(listed, derived);
    assert_eq!(
        ClientMessage::TYPES.len(),
        derived.len(),
        "duplicates in TYPES"
    );
}

#[test]
fn the_server_type_list_is_read_from_the_enum() {
    // Guards the derive trick: if a serde upgrade changed how it reports unknown variants, the
    // completeness check above would silently check nothing.
    let types = server_types();
    for ty in [
        "hello",
        "room-joined",
        "playback-paused",
        "playback-resumed",
        "playback-seeked",
        "playback-state-update",
        "clock-pong",
        "error",
    ] {
        assert!(types.contains(&ty), "{ty} missing from {types:?}");
    }
    // A variant with no fields, so this sample does not have to follow the views' evolution.
    let value = serde_json::to_value(ServerMessage::QueueCleared {}).expect("serialises");
    assert!(types.contains(&"queue-cleared"), "{types:?}");
    assert_eq!(type_field(&value), Some("queue-cleared"));
    assert!(wire_names_unit::<ErrorCode>().contains(&"not-in-room"));
}

/// The checker itself: each kind of mistake in a document is reported.
mod checker {
    use super::*;

    fn problems_of(doc: &str) -> String {
        check_doc(doc).join("\n")
    }

    const CLIENT_OK: &str =
        "## Client to server\n### pause-playback\n```json\n{\"type\":\"pause-playback\"}\n```\n";

    #[test]
    fn a_good_example_passes_its_own_checks() {
        let problems = problems_of(CLIENT_OK);
        assert!(!problems.contains("line "), "{problems}");
    }

    #[test]
    fn broken_json_is_reported() {
        let doc = "## Client to server\n### pause-playback\n```json\n{\"type\":\"pause-playback\",}\n```\n";
        assert!(problems_of(doc).contains("line 3"), "{}", problems_of(doc));
    }

    #[test]
    fn a_missing_field_is_reported() {
        let doc =
            "## Client to server\n### seek-playback\n```json\n{\"type\":\"seek-playback\"}\n```\n";
        assert!(problems_of(doc).contains("decode_client refuses it"));
    }

    #[test]
    fn a_misspelt_optional_field_is_reported() {
        let doc = "## Client to server\n### play-next\n```json\n{\"type\":\"play-next\",\"currentSongID\":3}\n```\n";
        assert!(problems_of(doc).contains("currentSongID is not a field"));
    }

    #[test]
    fn a_type_under_the_wrong_heading_is_reported() {
        let doc = "## Client to server\n### resume-playback\n```json\n{\"type\":\"pause-playback\"}\n```\n";
        assert!(problems_of(doc).contains("not the heading"));
    }

    #[test]
    fn a_server_example_with_a_field_the_server_never_sends_is_reported() {
        let doc = "## Server to client\n### room-closed\n```json\n{\"type\":\"room-closed\",\"reason\":\"bye\",\"extra\":1}\n```\n";
        assert!(problems_of(doc).contains("differs from what the server sends"));
    }

    #[test]
    fn a_server_example_missing_a_field_the_server_sends_is_reported() {
        // `song` is an Option: it parses when absent, but the server always sends it (as null).
        let doc = "## Server to client\n### playback-state-update\n```json\n{\"type\":\"playback-state-update\",\"playback\":{\"songId\":null,\"startedAtUs\":0,\"pausedAtUs\":null,\"isPlaying\":false,\"lastUpdatedUs\":0},\"positionUs\":0,\"roomClockUs\":0,\"reason\":\"stopped\"}\n```\n";
        let problems = problems_of(doc);
        assert!(
            problems.contains("$.song is sent by the server but missing from the example"),
            "{problems}"
        );
    }

    #[test]
    fn a_client_message_in_the_server_section_is_reported() {
        let doc = "## Server to client\n### pause-playback\n```json\n{\"type\":\"pause-playback\"}\n```\n";
        let problems = problems_of(doc);
        assert!(problems.contains("not a ServerMessage"), "{problems}");
        assert!(
            problems.contains("is not a server message type"),
            "{problems}"
        );
    }

    #[test]
    fn json_outside_the_message_sections_is_reported_and_jsonc_is_not() {
        let doc =
            "## Shared objects\n```json\n{\"id\":1}\n```\n```jsonc\n{\"id\": 1} // fine\n```\n";
        let problems = problems_of(doc);
        assert!(
            problems.contains("line 2: a json example outside"),
            "{problems}"
        );
        assert!(!problems.contains("line 5"), "{problems}");
    }

    #[test]
    fn undocumented_types_are_reported() {
        let problems = problems_of(CLIENT_OK);
        assert!(problems.contains("client message `resume-playback` has no"));
        assert!(problems.contains("server message `playback-state-update` has no"));
        assert!(!problems.contains("client message `pause-playback` has no"));
        assert!(problems.contains("error code `not-in-room` is not documented"));
    }
}
